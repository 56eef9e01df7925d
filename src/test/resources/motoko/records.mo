// Records canister: Candid records, options and arrays.
import Array "mo:base/Array";
import Buffer "mo:base/Buffer";

actor Records {
  public type Person = { name : Text; age : Nat };

  stable var people : [Person] = [];

  // Adds a person and returns the new count.
  public func add(p : Person) : async Nat {
    let buf = Buffer.fromArray<Person>(people);
    buf.add(p);
    people := Buffer.toArray(buf);
    people.size()
  };

  public query func oldest() : async ?Person {
    var best : ?Person = null;
    for (p in people.vals()) {
      switch best {
        case null { best := ?p };
        case (?b) { if (p.age > b.age) { best := ?p } };
      };
    };
    best
  };

  public query func names() : async [Text] {
    Array.map<Person, Text>(people, func p = p.name)
  };

  public query func adults() : async [Person] {
    Array.filter<Person>(people, func p = p.age >= 18)
  };
};
