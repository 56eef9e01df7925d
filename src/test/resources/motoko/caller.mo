// Caller of callee.mo (InterCanisterMotokoTest): awaits another canister's update and query, one after the
// other and two at once; catches its reject with the code; a trap after an await keeps what came before it;
// a composite query; entropy from raw_rand; and a recurring timer whose job really runs (Motoko's timers are
// self-calls).
import Error "mo:base/Error";
import Principal "mo:base/Principal";
import Timer "mo:base/Timer";
import Random "mo:base/Random";
import Debug "mo:base/Debug";

actor Caller {
  type Callee = actor {
    inc : () -> async Nat;
    get : query () -> async Nat;
    refuse : () -> async Nat;
  };

  var before = 0;
  var after = 0;
  var ticks = 0;

  func callee(p : Principal) : Callee { actor (Principal.toText(p)) };

  // inc, then get: the query sees the update
  public func incThenGet(p : Principal) : async (Nat, Nat) {
    let c = callee(p);
    let n = await c.inc();
    let m = await c.get();
    (n, m)
  };

  // two calls in flight at once
  public func both(p : Principal) : async Nat {
    let c = callee(p);
    let a = c.inc();
    let b = c.inc();
    (await a) + (await b)
  };

  public func catchReject(p : Principal) : async Text {
    try {
      ignore await callee(p).refuse();
      "no error"
    } catch (e) {
      (switch (Error.code(e)) {
        case (#canister_reject) "canister_reject";
        case (#canister_error) "canister_error";
        case (#destination_invalid) "destination_invalid";
        case (#system_transient) "system_transient";
        case (#system_fatal) "system_fatal";
        case (_) "other"
      }) # ": " # Error.message(e)
    }
  };

  // `before` is committed with the first execution; the trap after the await rolls back only the callback
  public func trapAfterAwait(p : Principal) : async () {
    before += 1;
    ignore await callee(p).inc();
    after += 1;
    Debug.trap("trapped after the await")
  };

  // a composite query: two queries of another canister, summed; nothing persists
  public composite query func sumTwice(p : Principal) : async Nat {
    let c = callee(p);
    (await c.get()) + (await c.get())
  };

  // 32 bytes from the management canister's raw_rand
  public func entropy() : async Nat {
    (await Random.blob()).size()
  };

  public query func counts() : async (Nat, Nat, Nat) {
    (before, after, ticks)
  };

  ignore Timer.recurringTimer<system>(#seconds 1, func() : async () { ticks += 1 });
};
