// Callee of caller.mo (InterCanisterMotokoTest): a counter, a query, and a method that rejects.
import Error "mo:base/Error";

actor Callee {
  var count : Nat = 0;

  public func inc() : async Nat {
    count += 1;
    count
  };

  public query func get() : async Nat {
    count
  };

  public func refuse() : async Nat {
    throw Error.reject("refused by the callee")
  };
};
