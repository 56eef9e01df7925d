// Motoko workload of the compute corpus (bench/compute.sh): text and the core
// library's Map, as an ordinary Motoko canister uses them. Built by moc 4.10.0
// (scripts/build-compute-canisters.sh) into workload.wasm: wasm64 with enhanced
// orthogonal persistence, so the host runs it lowered to 32-bit addresses.
//
// `textmap` is a query with no argument: it builds a Map<Text, Nat> of 4,000
// keys ("key-<n>-<i>", inserted out of order), walks it in order summing key
// sizes and values (and counting keys that contain "-1"), then looks every key
// up again by a freshly built text, and answers the checksum. Everything it
// allocates is garbage afterwards, and a query keeps nothing anyway.
import Map "mo:core/Map";
import Nat "mo:core/Nat";
import Text "mo:core/Text";

persistent actor Workload {
  func key(i : Nat, n : Nat) : Text {
    "key-" # Nat.toText(i * 7919 % n) # "-" # Nat.toText(i)
  };

  public query func textmap() : async Nat {
    let n = 4_000;
    let map = Map.empty<Text, Nat>();
    var i = 0;
    while (i < n) {
      Map.add(map, Text.compare, key(i, n), i);
      i += 1;
    };
    var sum = 0;
    for ((k, v) in Map.entries(map)) {
      sum += k.size() + v;
      if (Text.contains(k, #text "-1")) sum += 1;
    };
    i := 0;
    while (i < n) {
      switch (Map.get(map, Text.compare, key(i, n))) {
        case (?v) sum += v;
        case null sum += 1_000_000_000;
      };
      i += 1;
    };
    sum
  };
};
