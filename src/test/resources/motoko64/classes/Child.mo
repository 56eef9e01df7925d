// The actor class parent.mo instantiates: each child starts at the count it is given.
persistent actor class Child(start : Nat) {
  var count = start;

  public func inc() : async Nat {
    count += 1;
    count
  };

  public query func get() : async Nat {
    count
  };
};
