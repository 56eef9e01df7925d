// Trap canister: explicit traps and runtime traps.
import Debug "mo:base/Debug";

actor Trap {
  public func boom() : async () {
    Debug.trap("boom from motoko");
  };

  // Nat division by zero traps at run time.
  public func divide(a : Nat, b : Nat) : async Nat {
    a / b
  };

  public query func ok() : async Text {
    "ok"
  };
};
