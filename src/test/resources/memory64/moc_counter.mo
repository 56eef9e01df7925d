// A persistent counter, compiled by moc 4.10.0 into a wasm64 module (enhanced orthogonal persistence: a 64-bit
// memory, a 64-bit table, the 64-bit System API, a start function). Memory64Test installs it.
persistent actor {
  var n : Nat = 0;
  public func inc() : async Nat { n += 1; n };
  public query func get() : async Nat { n };
};
