// Store canister (moc 4.10.0): a Text -> Text map from mo:core/Map (a B-tree)
// in a persistent actor. Under enhanced orthogonal persistence the map itself
// is the stable state: an upgrade with wasm_memory_persistence = keep keeps
// it in the heap as it is, with no serialisation and no upgrade hooks.
// store_v2.mo is this actor with the same state and one method more.
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
    1
  };
};
