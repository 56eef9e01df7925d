// Big canister: a small ledger with an audit log that uses many base library
// modules (AssocList, List, Array, Iter, Text, Char, Nat, Nat8, Nat32, Int,
// Order, Option, Result, Principal, Blob, Debug). A realistic module of about
// 250 KB for the validation benchmark. Every Motoko canister carries the
// ~205 KB runtime, so the application part is small; ledger.mo is a larger
// (~380 KB) sibling using HashMap, Trie, TrieMap, RBTree, Deque and Buffer.
import Array "mo:base/Array";
import AssocList "mo:base/AssocList";
import Blob "mo:base/Blob";
import Char "mo:base/Char";
import Debug "mo:base/Debug";
import Int "mo:base/Int";
import Iter "mo:base/Iter";
import List "mo:base/List";
import Nat "mo:base/Nat";
import Nat32 "mo:base/Nat32";
import Nat8 "mo:base/Nat8";
import Option "mo:base/Option";
import Order "mo:base/Order";
import Principal "mo:base/Principal";
import Result "mo:base/Result";
import Text "mo:base/Text";

actor Big {
  public type Error = { #NotFound : Text; #Insufficient : Int; #Invalid : Text };

  stable var balances : AssocList.AssocList<Text, Int> = List.nil();
  stable var log : List.List<Text> = List.nil();
  stable var calls : Nat = 0;

  func get(owner : Text) : ?Int = AssocList.find(balances, owner, Text.equal);

  func set(owner : Text, b : Int) {
    balances := AssocList.replace(balances, owner, Text.equal, ?b).0;
  };

  func record(line : Text) {
    calls += 1;
    log := List.push(line, log);
    if (List.size(log) > 50) { log := List.take(log, 50) };
    Debug.print(line);
  };

  public func deposit(owner : Text, amount : Nat) : async Int {
    let b = Option.get(get(owner), 0 : Int) + amount;
    set(owner, b);
    record("deposit " # owner # " " # Nat.toText(amount));
    b
  };

  public func transfer(from : Text, to : Text, amount : Nat) : async Result.Result<Int, Error> {
    if (Text.equal(from, to)) { return #err(#Invalid("self transfer")) };
    switch (get(from)) {
      case null { #err(#NotFound(from)) };
      case (?b) {
        if (b < amount) { return #err(#Insufficient(b)) };
        set(from, b - amount);
        set(to, Option.get(get(to), 0 : Int) + amount);
        record("transfer " # from # " -> " # to # " " # Nat.toText(amount));
        #ok(b - amount)
      };
    }
  };

  public query func balance(owner : Text) : async ?Int {
    get(owner)
  };

  public query func richest(n : Nat) : async [(Text, Int)] {
    let all = List.toArray(balances);
    let sorted = Array.sort<(Text, Int)>(all, func(a, b) : Order.Order {
      switch (Int.compare(b.1, a.1)) { case (#equal) Text.compare(a.0, b.0); case o o }
    });
    Array.subArray(sorted, 0, Nat.min(n, sorted.size()))
  };

  public query func history() : async [Text] {
    List.toArray(List.reverse(log))
  };

  public query func shout(t : Text) : async Text {
    Text.map(t, func c = if (c >= 'a' and c <= 'z') Char.fromNat32(Char.toNat32(c) - 32) else c)
  };

  public query func digits(t : Text) : async Nat {
    Iter.size(Iter.filter(t.chars(), Char.isDigit))
  };

  public query func checksum(data : Blob) : async (Nat32, Nat32) {
    var h : Nat32 = 2166136261;
    for (b in data.vals()) {
      h := (h ^ Nat32.fromNat(Nat8.toNat(b))) *% 16777619;
    };
    (h, Blob.hash(data))
  };

  public query func whoami(p : Principal) : async Text {
    Principal.toText(p) # " #" # Nat32.toText(Principal.hash(p) % 1000)
  };





  public query func stats() : async { accounts : Nat; calls : Nat; total : Int } {
    { accounts = List.size(balances); calls; total = Array.foldLeft<Int, Int>(List.toArray(List.map<(Text, Int), Int>(balances, func(_, b) = b)), 0, Int.add) }
  };
};
