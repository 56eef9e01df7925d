// Counter canister (moc 4.10.0, enhanced orthogonal persistence): every
// variable of a persistent actor is stable, so `count` survives an upgrade
// with wasm_memory_persistence = keep, kept in the heap as it is.
import Nat "mo:core/Nat";
import Runtime "mo:core/Runtime";

persistent actor Counter {
  var count : Nat = 0;

  public func inc() : async Nat {
    count += 1;
    count
  };

  public query func get() : async Nat {
    count
  };

  // Raises the counter, then traps: the host must roll the update back, so
  // get() still answers the count from before the call.
  public func inc_then_trap() : async Nat {
    count += 1;
    Runtime.trap("inc_then_trap: count raised to " # Nat.toText(count) # ", then trapped")
  };
};
