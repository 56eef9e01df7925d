// BigHeap canister (moc 4.10.0): a heap that grows past 64 MiB on request
// and stays there: the chunks are persistent, so they must survive every
// commit, restart and upgrade. grow(mib) adds mib chunks of about 1 MiB each
// (a mutable array of 131,072 elements, one 64-bit word each); chunk i holds
// i % 256 in every element, which check() verifies.
import List "mo:core/List";
import Nat "mo:core/Nat";
import Nat8 "mo:core/Nat8";
import VarArray "mo:core/VarArray";
import Prim "mo:⛔"; // the runtime's statistics (rts_*) are not in mo:core

persistent actor BigHeap {
  transient let wordsPerChunk = 131_072; // 1 MiB of 8-byte words
  transient let mebibyte = 1_048_576;

  let chunks = List.empty<[var Nat8]>();

  // Adds mib chunks; answers the number of chunks.
  public func grow(mib : Nat) : async Nat {
    for (_ in Nat.range(0, mib)) {
      let fill = Nat8.fromNat(List.size(chunks) % 256);
      List.add(chunks, VarArray.repeat<Nat8>(fill, wordsPerChunk));
    };
    List.size(chunks)
  };

  public query func chunkCount() : async Nat {
    List.size(chunks)
  };

  // True if every chunk still holds its own value at both ends.
  public query func check() : async Bool {
    var i = 0;
    for (chunk in List.values(chunks)) {
      let fill = Nat8.fromNat(i % 256);
      if (chunk[0] != fill or chunk[wordsPerChunk - 1] != fill) return false;
      i += 1;
    };
    true
  };

  // The runtime's heap size (allocated bytes) and the Wasm memory size, in MiB.
  public query func heapMiB() : async Nat {
    Prim.rts_heap_size() / mebibyte
  };

  public query func memoryMiB() : async Nat {
    Prim.rts_memory_size() / mebibyte
  };
};
