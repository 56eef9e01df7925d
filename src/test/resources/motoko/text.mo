// Text canister: string handling (greeting, reversal, length) and a stable
// list of stored texts.
import Array "mo:base/Array";
import Iter "mo:base/Iter";
import Text "mo:base/Text";

actor Texts {
  stable var stored : [Text] = [];

  public query func greet(name : Text) : async Text {
    "Hello, " # name # "!"
  };

  public query func reverse(t : Text) : async Text {
    let chars = Iter.toArray(t.chars());
    Text.fromIter(Array.reverse(chars).vals())
  };

  public query func length(t : Text) : async Nat {
    t.size()
  };

  // Appends `t` and returns the number of stored texts.
  public func store(t : Text) : async Nat {
    stored := Array.append(stored, [t]);
    stored.size()
  };

  public query func all() : async [Text] {
    stored
  };
};
