package com.canisterhost.candid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.candid.CandidType.Field;
import com.canisterhost.candid.CandidType.Mode;
import com.canisterhost.candid.CandidType.Primitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DidParserTest {

    @Test
    void everyInterfaceTheMotokoCompilersEmittedForTheTestCanistersParses() throws IOException {
        List<Path> dids;
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources"))) {
            dids = files.filter(p -> p.toString().endsWith(".did")).toList();
        }
        assertThat(dids).hasSizeGreaterThan(10);
        for (Path did : dids) {
            String text = Files.readString(did);
            CandidInterface parsed = CandidInterface.parse(text);
            long declared = text.lines().filter(l -> l.matches("\\s+\"?[A-Za-z_][A-Za-z0-9_]*\"?\\s*:\\s*\\(.*"))
                    .count();
            assertThat(parsed.methods()).as("%s", did).hasSize((int) declared);
        }
    }

    @Test
    void theFormsIc4jRefusesParse() {
        CandidInterface parsed = CandidInterface.parse("""
                // a comment /* with a nested */ comment
                /* block /* nested */ still comment */
                type List = opt record { head : int; tail : List };
                type Callback = func (nat) -> (text) query;
                service counter : (init : nat, text) -> {
                  sum : () -> (nat) composite_query;
                  "quoted name" : (principal) -> (reserved, empty) query;
                  fire : (record { 1 : nat; x : opt vec blob }) -> () oneway;
                  walk : (List, Callback, service { m : () -> () }) -> (variant { ok : nat; err : text; none });
                  tuple : (record { nat; text }) -> (record { 7 : bool; bool });
                }
                """);
        assertThat(parsed.initArgs()).extracting(CandidType.Param::name).containsExactly("init", null);
        assertThat(parsed.methods()).extracting(CandidType.Method::name)
                .containsExactly("sum", "quoted name", "fire", "walk", "tuple");
        assertThat(parsed.method("sum").modes()).containsExactly(Mode.COMPOSITE_QUERY);
        assertThat(parsed.method("quoted name").results()).extracting(CandidType.Param::type)
                .containsExactly(Primitive.RESERVED, Primitive.EMPTY);
        assertThat(parsed.method("fire").modes()).containsExactly(Mode.ONEWAY);

        CandidType.Record fire = (CandidType.Record) parsed.method("fire").args().get(0).type();
        assertThat(fire.fields()).containsExactly(new Field(1, null, Primitive.NAT),
                new Field(CandidType.labelId("x"), "x",
                        new CandidType.Opt(new CandidType.Vec(new CandidType.Vec(Primitive.NAT8)))));

        CandidType.Record list = (CandidType.Record) parsed.resolve(((CandidType.Opt) parsed.types().get("List"))
                .inner());
        assertThat(list.fields()).extracting(Field::type).contains(new CandidType.Reference("List"));

        CandidType.Variant result = (CandidType.Variant) parsed.method("walk").results().get(0).type();
        assertThat(result.fields()).extracting(Field::name).containsExactly("ok", "err", "none"); // by id
        assertThat(result.fields()).extracting(Field::id).containsExactly(24860L, 5048165L, 1225396920L);
        assertThat(result.fields().get(2).type()).isEqualTo(Primitive.NULL);

        CandidType.Record tuple = (CandidType.Record) parsed.method("tuple").args().get(0).type();
        assertThat(tuple.isTuple()).isTrue();
        CandidType.Record mixed = (CandidType.Record) parsed.method("tuple").results().get(0).type();
        assertThat(mixed.fields()).extracting(Field::id).containsExactly(7L, 8L); // an unlabelled field follows
    }

    @Test
    void aFormattedTypeParsesBackToTheSameType() {
        CandidInterface parsed = CandidInterface.parse("""
                type T = variant { a; "b c" : record { nat8; blob }; 3 : vec opt T };
                service : { m : (T, func () -> () oneway) -> (record { x : int64; y : principal }) query }
                """);
        CandidType.Func m = parsed.method("m");
        String text = "type T = " + CandidInterface.format(parsed.types().get("T")) + "; service : { m : "
                + CandidInterface.signature(m) + " }";
        CandidInterface again = CandidInterface.parse(text);
        assertThat(again.types()).isEqualTo(parsed.types());
        assertThat(again.method("m")).isEqualTo(m);
        assertThat(CandidInterface.signature(m))
                .isEqualTo("(T, func () -> () oneway) -> (record { x : int64; y : principal }) query");
    }

    @Test
    void errorsSayWhereAndWhat() {
        assertThatThrownBy(() -> CandidInterface.parse("service : {\n  a : (nat) -> (text) quer;\n}"))
                .isInstanceOf(InvalidCandidException.class)
                .hasMessage("line 2, column 23: expected '}', found 'quer'");
        assertThatThrownBy(() -> CandidInterface.parse("service : { a : (Missing) -> () }"))
                .hasMessageContaining("type Missing is not defined").hasMessageContaining("column 18");
        assertThatThrownBy(() -> CandidInterface.parse("type A = B; type B = A; service : {}"))
                .hasMessageContaining("is defined only through itself");
        assertThatThrownBy(() -> CandidInterface.parse("service : { a : () -> (); a : () -> () }"))
                .hasMessageContaining("method a is declared twice");
        assertThatThrownBy(() -> CandidInterface.parse("type R = record { a : nat; a : int }; service : {}"))
                .hasMessageContaining("field id 97 is used twice");
        assertThatThrownBy(() -> CandidInterface.parse("import \"other.did\"; service : {}"))
                .hasMessageContaining("imports are not supported");
        assertThatThrownBy(() -> CandidInterface.parse("service : { a : (\"unterminated) -> () }"))
                .hasMessageContaining("unterminated text");
        assertThatThrownBy(() -> CandidInterface.parse("type F = nat; service : F"))
                .hasMessageContaining("the service's type is not a service");
    }

    @Test
    void labelIdsAreCandidsHash() {
        assertThat(CandidType.labelId("ok")).isEqualTo(24860);
        assertThat(CandidType.labelId("err")).isEqualTo(5048165);
        assertThat(CandidType.labelId("")).isZero();
    }
}
