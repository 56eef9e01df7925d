// An actor class in use (InterCanisterMotokoTest): `await Child.Child(n)` creates a canister through the
// management canister (create_canister with the cycles attached, then install_code of the child's module
// embedded in this one), and the parent calls the child it made. `manage` then runs the child's life through the
// management canister: deposit_cycles, canister_status, update_settings, stop_canister, delete_canister.
import Child "classes/Child";
import Principal "mo:core/Principal";
import Error "mo:core/Error";
import Nat "mo:core/Nat";

persistent actor Parent {
  var children : [Child.Child] = [];

  // creates a child starting at `start` and increments it once: its principal and the count it answered
  public func spawn(start : Nat) : async (Principal, Nat) {
    let child = await (with cycles = 1_000_000_000_000) Child.Child(start);
    children := [child];
    let n = await child.inc();
    (Principal.fromActor(child), n)
  };

  // the count of the last child made, through a call
  public func lastCount() : async Nat {
    await children[0].get()
  };

  type Status = {
    status : { #running; #stopping; #stopped };
    cycles : Nat;
    module_hash : ?Blob;
    settings : { controllers : [Principal] };
  };
  type Management = actor {
    deposit_cycles : { canister_id : Principal } -> async ();
    canister_status : { canister_id : Principal } -> async Status;
    update_settings : { canister_id : Principal; settings : { controllers : ?[Principal] } } -> async ();
    stop_canister : { canister_id : Principal } -> async ();
    delete_canister : { canister_id : Principal } -> async ();
  };
  transient let ic : Management = actor "aaaaa-aa";

  // the last child's life through the management canister, as text: what each step showed
  public func manage(other : Principal) : async Text {
    let child = Principal.fromActor(children[0]);
    await (with cycles = 1_000) ic.deposit_cycles({ canister_id = child });
    let before = await ic.canister_status({ canister_id = child });
    await ic.update_settings({ canister_id = child; settings = { controllers = ?[Principal.fromActor(Parent), other] } });
    await ic.stop_canister({ canister_id = child });
    let stopped = await ic.canister_status({ canister_id = child });
    await ic.delete_canister({ canister_id = child });
    let gone = try {
      ignore await ic.canister_status({ canister_id = child });
      "still there"
    } catch (e) {
      switch (Error.code(e)) { case (#destination_invalid) "destination_invalid"; case (_) "other" }
    };
    "cycles " # Nat.toText(before.cycles) # "; hash " # (switch (before.module_hash) { case (?h) Nat.toText(h.size()); case null "none" })
      # "; controllers " # Nat.toText(stopped.settings.controllers.size())
      # "; " # (switch (stopped.status) { case (#stopped) "stopped"; case (#stopping) "stopping"; case (#running) "running" })
      # "; after delete " # gone
  };

  // canister_status of a canister this one may not control: the reject's code and message
  public func statusOf(p : Principal) : async Text {
    try {
      ignore await ic.canister_status({ canister_id = p });
      "allowed"
    } catch (e) {
      (switch (Error.code(e)) { case (#canister_error) "canister_error"; case (_) "other" }) # ": " # Error.message(e)
    }
  };
};
