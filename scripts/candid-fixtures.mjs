// Writes src/test/resources/candid/fixtures.json: binary Candid made by @dfinity/candid, the IC's reference
// JavaScript implementation, for every Candid type. Each case gives the argument types as Candid text (with the
// type declarations they need), the values as Candid text, and the hex @dfinity/candid encodes them to.
// CandidInteropTest checks that our decoder reads each encoding back to the same values and that our encoder,
// given the same types and text, produces bytes that decode alike. Run by scripts/build-candid-fixtures.sh.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { writeFileSync } from 'node:fs';

const p = (text) => Principal.fromText(text);
const List = IDL.Rec();
List.fill(IDL.Opt(IDL.Record({ head: IDL.Int, tail: List })));

// [name, IDL types, JS values, declarations, Candid argument types, Candid text values]
const cases = [
  ['nat', [IDL.Nat, IDL.Nat, IDL.Nat], [0n, 624485n, 2n ** 70n], '', 'nat, nat, nat',
    '0, 624_485, 1_180_591_620_717_411_303_424'],
  ['int', [IDL.Int, IDL.Int, IDL.Int], [-129n, 2n ** 64n, 0n], '', 'int, int, int',
    '-129, 18_446_744_073_709_551_616, 0'],
  ['fixed nat', [IDL.Nat8, IDL.Nat16, IDL.Nat32, IDL.Nat64], [255, 65535, 4294967295, 2n ** 64n - 1n], '',
    'nat8, nat16, nat32, nat64', '255, 65_535, 4_294_967_295, 18_446_744_073_709_551_615'],
  ['fixed int', [IDL.Int8, IDL.Int16, IDL.Int32, IDL.Int64], [-128, -32768, -2147483648, -(2n ** 63n)], '',
    'int8, int16, int32, int64', '-128, -32_768, -2_147_483_648, -9_223_372_036_854_775_808'],
  ['fixed int positive', [IDL.Int8, IDL.Int16, IDL.Int32, IDL.Int64], [127, 32767, 2147483647, 2n ** 63n - 1n],
    '', 'int8, int16, int32, int64', '127, 32_767, 2_147_483_647, 9_223_372_036_854_775_807'],
  ['float', [IDL.Float32, IDL.Float64, IDL.Float64], [1.5, -0.25, 1e300], '', 'float32, float64, float64',
    '1.5, -0.25, 1e300'],
  ['bool', [IDL.Bool, IDL.Bool], [true, false], '', 'bool, bool', 'true, false'],
  ['text', [IDL.Text, IDL.Text], ['', 'hello \u{1F402}\n"quoted"'], '', 'text, text',
    '"", "hello \\u{1F402}\\n\\"quoted\\""'],
  ['null and reserved', [IDL.Null, IDL.Reserved], [null, null], '', 'null, reserved', 'null, null'],
  ['empty', [IDL.Opt(IDL.Empty)], [[]], '', 'opt empty', 'null'],
  ['principal', [IDL.Principal, IDL.Principal], [p('aaaaa-aa'), p('w7x7r-cok77-xa')], '', 'principal, principal',
    'principal "aaaaa-aa", principal "w7x7r-cok77-xa"'],
  ['blob', [IDL.Vec(IDL.Nat8), IDL.Vec(IDL.Nat8)], [new Uint8Array([0, 255, 16]), new Uint8Array([])], '',
    'blob, blob', 'blob "\\00\\ff\\10", blob ""'],
  ['vec', [IDL.Vec(IDL.Nat16), IDL.Vec(IDL.Text), IDL.Vec(IDL.Vec(IDL.Bool))], [[1, 2, 3], [], [[true], []]], '',
    'vec nat16, vec text, vec vec bool', 'vec { 1; 2; 3 }, vec {}, vec { vec { true }; vec {} }'],
  ['opt', [IDL.Opt(IDL.Nat), IDL.Opt(IDL.Nat), IDL.Opt(IDL.Opt(IDL.Text))], [[], [5n], [['x']]], '',
    'opt nat, opt nat, opt opt text', 'null, opt 5, opt opt "x"'],
  ['record', [IDL.Record({ name: IDL.Text, age: IDL.Nat8 })], [{ name: 'Ada', age: 36 }], '',
    'record { name : text; age : nat8 }', 'record { name = "Ada"; age = 36 }'],
  ['tuple', [IDL.Tuple(IDL.Nat, IDL.Text)], [[5n, 'x']], '', 'record { nat; text }', 'record { 5; "x" }'],
  ['numeric field ids', [IDL.Record({ _7_: IDL.Nat, _3_: IDL.Bool })], [{ _7_: 1n, _3_: false }], '',
    'record { 7 : nat; 3 : bool }', 'record { 7 = 1; 3 = false }'],
  ['hashed field names', [IDL.Record({ a: IDL.Nat, 'with space': IDL.Text, 'é': IDL.Null })],
    [{ a: 1n, 'with space': 's', 'é': null }], '', 'record { a : nat; "with space" : text; "é" : null }',
    'record { a = 1; "with space" = "s"; "é" = null }'],
  ['variant', [IDL.Variant({ ok: IDL.Nat, err: IDL.Text }), IDL.Variant({ a: IDL.Null, b: IDL.Null })],
    [{ err: 'no' }, { b: null }], '', 'variant { ok : nat; err : text }, variant { a; b }',
    'variant { err = "no" }, variant { b }'],
  ['recursive', [List], [[{ head: 1n, tail: [{ head: -2n, tail: [] }] }]],
    'type List = opt record { head : int; tail : List };', 'List',
    'opt record { head = 1; tail = opt record { head = -2; tail = null } }'],
  ['func reference', [IDL.Func([IDL.Nat], [IDL.Text], ['query'])], [[p('w7x7r-cok77-xa'), 'foo']], '',
    'func (nat) -> (text) query', 'func "w7x7r-cok77-xa".foo'],
  ['service reference', [IDL.Service({ m: IDL.Func([], [], []), n: IDL.Func([IDL.Nat], [], ['query']) })],
    [p('aaaaa-aa')], '', 'service { m : () -> (); n : (nat) -> () query }', 'service "aaaaa-aa"'],
  ['several arguments', [IDL.Nat, IDL.Text, IDL.Opt(IDL.Bool)], [3n, 'three', [true]], '',
    'nat, text, opt bool', '3, "three", opt true'],
  ['no arguments', [], [], '', '', ''],
];

const out = cases.map(([name, types, values, declarations, argTypes, text]) => ({
  name,
  did: `${declarations} service : { m : (${argTypes}) -> () }`.trim(),
  args: `(${text})`,
  hex: Buffer.from(IDL.encode(types, values)).toString('hex'),
}));
const target = process.argv[2] ?? 'src/test/resources/candid/fixtures.json';
writeFileSync(target, JSON.stringify({ generator: '@dfinity/candid 3.4.3', cases: out }, null, 2) + '\n');
console.log(`wrote ${out.length} cases to ${target}`);
