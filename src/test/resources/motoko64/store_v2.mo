// Store canister, version 2: the stable state of store.mo unchanged (so an
// upgrade from it with wasm_memory_persistence = keep is compatible and keeps
// every entry), version() answering 2 and a new method keys().
import Iter "mo:core/Iter";
import Map "mo:core/Map";
import Text "mo:core/Text";

persistent actor Store {
  let entries = Map.empty<Text, Text>();

  // Sets k to v; answers the value it replaced, if any.
  public func put(k : Text, v : Text) : async ?Text {
    Map.swap(entries, Text.compare, k, v)
  };

  public query func get(k : Text) : async ?Text {
    Map.get(entries, Text.compare, k)
  };

  public query func size() : async Nat {
    Map.size(entries)
  };

  public query func version() : async Nat {
    2
  };

  // The keys in ascending order.
  public query func keys() : async [Text] {
    Iter.toArray(Map.keys(entries))
  };
};
