// Bench canister: one source built twice, by moc 4.10.0 into bench.wasm
// (wasm64, enhanced orthogonal persistence) and by moc 3.9.7 into
// bench32/bench.wasm (wasm32, classic persistence), to compare the two
// targets on the same work. It imports neither mo:base nor mo:core (3.9.7
// has no core, 4.10.0 no base, and their maps differ), only the primitives:
// a chained hash table of Nat -> Nat that doubles when full, so an insert
// allocates and the collector has pointers to trace. Keys and values stay
// below 2^30, compact on both targets.
import Prim "mo:⛔";

persistent actor Bench {
  type Chain = ?(Nat, Nat, Chain);

  var buckets : [var Chain] = Prim.Array_init<Chain>(16, null);
  var count : Nat = 0;
  var next : Nat = 0; // the next key insert(n) adds

  func slot(k : Nat, size : Nat) : Nat {
    // Fibonacci hashing on 32 bits, the same on both targets.
    Prim.nat32ToNat((Prim.natToNat32(k) *% 2654435769) >> 8) % size
  };

  func lookup(chain : Chain, k : Nat) : ?Nat {
    switch chain {
      case null null;
      case (?(key, value, rest)) if (key == k) ?value else lookup(rest, k);
    }
  };

  func resize() {
    let old = buckets;
    buckets := Prim.Array_init<Chain>(old.size() * 2, null);
    for (chain in old.vals()) {
      var c = chain;
      label moving loop {
        switch c {
          case null break moving;
          case (?(k, v, rest)) {
            let s = slot(k, buckets.size());
            buckets[s] := ?(k, v, buckets[s]);
            c := rest;
          };
        };
      };
    };
  };

  // Inserts n new keys (value: key % 1000); answers the sum of all values,
  // read back through the table.
  public func insert(n : Nat) : async Nat {
    var i = 0;
    while (i < n) {
      if (count == buckets.size()) resize();
      let k = next;
      let s = slot(k, buckets.size());
      buckets[s] := ?(k, k % 1000, buckets[s]);
      count += 1;
      next += 1;
      i += 1;
    };
    sumAll()
  };

  func sumAll() : Nat {
    var sum = 0;
    var k = 0;
    while (k < next) {
      switch (lookup(buckets[slot(k, buckets.size())], k)) {
        case (?v) sum += v;
        case null Prim.trap("key missing");
      };
      k += 1;
    };
    sum
  };

  public query func sum() : async Nat {
    sumAll()
  };

  public query func get(k : Nat) : async ?Nat {
    lookup(buckets[slot(k, buckets.size())], k)
  };

  public query func size() : async Nat {
    count
  };

  public func clear() : async () {
    buckets := Prim.Array_init<Chain>(16, null);
    count := 0;
    next := 0;
  };
};
