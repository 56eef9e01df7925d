// Counter canister: a single stable Nat that survives upgrades.
actor Counter {
  stable var count : Nat = 0;

  public func inc() : async Nat {
    count += 1;
    count
  };

  public query func get() : async Nat {
    count
  };

  public func add(n : Nat) : async Nat {
    count += n;
    count
  };
};
