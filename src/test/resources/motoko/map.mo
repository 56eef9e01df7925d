// Map canister: HashMap<Text, Nat>, persisted across upgrades through a
// stable entries array and the pre/post-upgrade hooks.
import Debug "mo:base/Debug";
import HashMap "mo:base/HashMap";
import Iter "mo:base/Iter";
import Text "mo:base/Text";

actor Map {
  stable var entries : [(Text, Nat)] = [];

  let map = HashMap.fromIter<Text, Nat>(entries.vals(), 16, Text.equal, Text.hash);

  public func put(k : Text, v : Nat) : async () {
    Debug.print("put " # k);
    map.put(k, v);
  };

  public query func get(k : Text) : async ?Nat {
    map.get(k)
  };

  public query func size() : async Nat {
    map.size()
  };

  system func preupgrade() {
    entries := Iter.toArray(map.entries());
  };

  system func postupgrade() {
    entries := [];
  };
};
