// Ledger canister: a "ledger + notes + tags" service that pulls in many base
// library modules (HashMap, Trie, TrieMap, RBTree, Deque, Buffer, List, ...).
// The larger (~380 KB) sibling of big.mo: a realistic module for the
// validation benchmark, not a behaviour test.
import Array "mo:base/Array";
import Blob "mo:base/Blob";
import Buffer "mo:base/Buffer";
import Char "mo:base/Char";
import Debug "mo:base/Debug";
import HashMap "mo:base/HashMap";
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
import Trie "mo:base/Trie";
import TrieMap "mo:base/TrieMap";
import RBTree "mo:base/RBTree";
import Deque "mo:base/Deque";

actor Ledger {
  public type Account = { owner : Text; balance : Int; history : [Int] };
  public type Note = { id : Nat; author : Text; body : Text; tags : [Text] };
  public type Error = { #NotFound : Text; #Insufficient : { needed : Int; available : Int }; #Invalid : Text };

  // ---- stable state --------------------------------------------------------
  stable var accountEntries : [(Text, Account)] = [];
  stable var notes : Trie.Trie<Nat, Note> = Trie.empty();
  stable var nextNoteId : Nat = 0;
  stable var tagLog : List.List<Text> = List.nil();
  stable var calls : Nat = 0;

  // ---- volatile state (starts empty again after an upgrade) ----------------
  let accounts = HashMap.fromIter<Text, Account>(accountEntries.vals(), 16, Text.equal, Text.hash);
  let tagCounts = TrieMap.TrieMap<Text, Nat>(Text.equal, Text.hash);
  let byLength = RBTree.RBTree<Nat, Text>(Nat.compare);
  var recent : Deque.Deque<Text> = Deque.empty();

  func natKey(n : Nat) : Trie.Key<Nat> = { key = n; hash = Text.hash(Nat.toText(n)) };

  func tick() { calls += 1 };

  // ---- accounts ------------------------------------------------------------
  public func deposit(owner : Text, amount : Nat) : async Int {
    tick();
    let acc = Option.get(accounts.get(owner), { owner; balance = 0 : Int; history = [] : [Int] });
    let updated = { owner; balance = acc.balance + amount; history = Array.append(acc.history, [amount : Int]) };
    accounts.put(owner, updated);
    updated.balance
  };

  public func transfer(from : Text, to : Text, amount : Nat) : async Result.Result<Int, Error> {
    tick();
    switch (accounts.get(from)) {
      case null { #err(#NotFound(from)) };
      case (?src) {
        if (src.balance < amount) {
          return #err(#Insufficient { needed = amount; available = src.balance });
        };
        if (Text.equal(from, to)) { return #err(#Invalid("self transfer")) };
        let dst = Option.get(accounts.get(to), { owner = to; balance = 0 : Int; history = [] : [Int] });
        accounts.put(from, { src with balance = src.balance - amount; history = Array.append(src.history, [-amount]) });
        accounts.put(to, { dst with balance = dst.balance + amount; history = Array.append(dst.history, [amount : Int]) });
        #ok(src.balance - amount)
      };
    }
  };

  public query func balance(owner : Text) : async ?Int {
    Option.map<Account, Int>(accounts.get(owner), func a = a.balance)
  };

  public query func richest(n : Nat) : async [(Text, Int)] {
    let all = Iter.toArray(Iter.map<(Text, Account), (Text, Int)>(accounts.entries(), func((k, a)) = (k, a.balance)));
    let sorted = Array.sort<(Text, Int)>(all, func(a, b) : Order.Order {
      switch (Int.compare(b.1, a.1)) { case (#equal) Text.compare(a.0, b.0); case o o }
    });
    Array.subArray(sorted, 0, Nat.min(n, sorted.size()))
  };

  // ---- notes ---------------------------------------------------------------
  func tagsOf(body : Text) : [Text] {
    let buf = Buffer.Buffer<Text>(4);
    for (word in Text.tokens(body, #predicate(func c = c == ' ' or c == '\n' or c == ','))) {
      if (Text.startsWith(word, #char '#') and word.size() > 1) {
        let tag = Text.map(Text.trimStart(word, #char '#'), func c = if (Char.isUppercase(c)) Char.fromNat32(Char.toNat32(c) + 32) else c);
        if (not Buffer.contains<Text>(buf, tag, Text.equal)) { buf.add(tag) };
      };
    };
    Buffer.toArray(buf)
  };

  public func addNote(author : Text, body : Text) : async Nat {
    tick();
    let id = nextNoteId;
    nextNoteId += 1;
    let tags = tagsOf(body);
    let note = { id; author; body; tags };
    notes := Trie.put(notes, natKey(id), Nat.equal, note).0;
    for (t in tags.vals()) {
      tagCounts.put(t, Option.get(tagCounts.get(t), 0) + 1);
      tagLog := List.push(t, tagLog);
    };
    byLength.put(body.size(), body);
    recent := Deque.pushFront(recent, body);
    if (List.size(tagLog) > 100) { tagLog := List.take(tagLog, 100) };
    Debug.print("note " # Nat.toText(id) # " by " # author);
    id
  };

  public query func getNote(id : Nat) : async Result.Result<Note, Error> {
    Result.fromOption(Trie.get(notes, natKey(id), Nat.equal), #NotFound(Nat.toText(id)))
  };

  public query func notesByTag(tag : Text) : async [Nat] {
    let matching = Trie.filter<Nat, Note>(notes, func(_, n) = Array.find<Text>(n.tags, func t = t == tag) != null);
    Array.sort(Trie.toArray<Nat, Note, Nat>(matching, func(k, _) = k), Nat.compare)
  };

  public query func topTags() : async [(Text, Nat)] {
    let arr = Iter.toArray(tagCounts.entries());
    Array.sort<(Text, Nat)>(arr, func(a, b) = Nat.compare(b.1, a.1))
  };

  public query func longestNote() : async ?Text {
    switch (byLength.entriesRev().next()) { case (?(_, t)) ?t; case null null }
  };

  public query func recentTags() : async [Text] {
    List.toArray(List.reverse(tagLog))
  };

  // ---- misc utilities ------------------------------------------------------
  public query func checksum(data : Blob) : async Nat32 {
    var h : Nat32 = 2166136261;
    for (b in data.vals()) {
      h := (h ^ Nat32.fromNat(Nat8.toNat(b))) *% 16777619;
    };
    h
  };

  public query func blobHash(data : Blob) : async Nat32 {
    Blob.hash(data)
  };

  public query func whoami(p : Principal) : async Text {
    Principal.toText(p) # " (" # Nat32.toText(Principal.hash(p)) # ")"
  };

  public query func parseSum(csv : Text) : async Result.Result<Int, Text> {
    var total : Int = 0;
    for (part in Text.split(csv, #char ',')) {
      let t = Text.trim(part, #char ' ');
      let (neg, digits) = if (Text.startsWith(t, #char '-')) (true, Text.trimStart(t, #char '-')) else (false, t);
      switch (Nat.fromText(digits)) {
        case null { return #err("not a number: " # t) };
        case (?n) { total += (if neg -n else n) };
      };
    };
    #ok(total)
  };

  public query func stats() : async { accounts : Nat; notes : Nat; tags : Nat; calls : Nat } {
    { accounts = accounts.size(); notes = Trie.size(notes); tags = tagCounts.size(); calls }
  };

  system func preupgrade() {
    accountEntries := Iter.toArray(accounts.entries());
  };

  system func postupgrade() {
    accountEntries := [];
  };
};
