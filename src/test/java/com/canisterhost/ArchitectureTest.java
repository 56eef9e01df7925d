package com.canisterhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape docs/design.md states, enforced: the package dependency direction ({@code api → call → canister →
 * execution → module, state}, with {@code identity} beside them and {@code candid}, {@code principal},
 * {@code database} and {@code config} shared below), each package's public surface as it is today, and one writing
 * package per table.
 */
class ArchitectureTest {

    private static final String ROOT = "com.canisterhost";

    /** What each package may use besides itself (the root package, the application, may use anything). */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("api", Set.of("call", "canister", "cluster", "execution", "module", "state", "identity",
                    "candid", "principal", "database", "config")),
            Map.entry("call", Set.of("canister", "execution", "state", "identity", "principal", "database")),
            Map.entry("canister", Set.of("execution", "module", "state", "identity", "candid", "principal",
                    "database")),
            Map.entry("cluster", Set.of("call", "execution", "state", "principal", "database")),
            Map.entry("execution", Set.of("module", "state", "principal", "database")),
            Map.entry("module", Set.of("candid", "principal")),
            Map.entry("state", Set.of("principal", "database")),
            Map.entry("identity", Set.of("principal", "database")),
            Map.entry("candid", Set.of("principal")),
            Map.entry("principal", Set.of()),
            Map.entry("database", Set.of()),
            Map.entry("config", Set.of()));

    /** The one package whose SQL writes each table. */
    static final Map<String, String> TABLE_OWNERS = Map.ofEntries(
            Map.entry("api_keys", "identity"),
            Map.entry("calls", "call"),
            Map.entry("canister_env_vars", "canister"),
            Map.entry("modules", "module"),
            Map.entry("instrumented_modules", "module"),
            Map.entry("canisters", "state"),
            Map.entry("memory_pages", "state"),
            Map.entry("canister_globals", "state"),
            Map.entry("canister_logs", "state"),
            Map.entry("snapshots", "state"),
            Map.entry("snapshot_pages", "state"),
            Map.entry("snapshot_globals", "state"),
            Map.entry("messages", "state"),
            Map.entry("callbacks", "state"),
            Map.entry("call_contexts", "state"),
            Map.entry("nodes", "state"),
            Map.entry("canister_leases", "state"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    /** The feature package a class is in ({@code ""} for the root package), or null outside the application. */
    static String featureOf(String className) {
        if (!className.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = className.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? "" : rest.substring(0, dot);
    }

    @Test
    void packagesDependOnlyInTheStatedDirection() {
        assertThat(ALLOWED.keySet()).as("every package has a rule")
                .containsAll(classes.stream().map(c -> featureOf(c.getName())).filter(p -> !p.isEmpty())
                        .collect(Collectors.toSet()));
        Set<String> violations = new TreeSet<>();
        for (JavaClass origin : classes) {
            String from = featureOf(origin.getName());
            if (from.isEmpty()) {
                continue;
            }
            origin.getDirectDependenciesFromSelf().forEach(dependency -> {
                String to = featureOf(dependency.getTargetClass().getName());
                if (to != null && !to.equals(from) && !ALLOWED.get(from).contains(to)) {
                    violations.add(from + " -> " + to + ": " + dependency.getDescription());
                }
            });
        }
        assertThat(violations).as("dependencies against the direction in docs/design.md").isEmpty();
    }

    @Test
    void eachPackageKeepsItsPublicSurface() throws IOException {
        Set<String> listed;
        try (Stream<String> lines = Files.lines(Path.of("src/test/resources/architecture/public-types.txt"))) {
            listed = lines.filter(l -> !l.isBlank() && !l.startsWith("#")).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> actual = classes.stream()
                .filter(c -> c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(JavaClass::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(actual).as("public top-level types (src/test/resources/architecture/public-types.txt)")
                .containsExactlyElementsOf(listed);
    }

    /** SQL as this code base writes it: keywords in capitals, tables in lower case. */
    private static final Pattern WRITE = Pattern.compile("\\b(?:INSERT\\s+INTO|DELETE\\s+FROM|TRUNCATE(?:\\s+TABLE)?)"
            + "\\s+([a-z_0-9]+)\\b|\\bUPDATE\\s+([a-z_0-9]+)(?:\\s+(?:AS\\s+)?[a-z_0-9]+)?\\s+SET\\b");

    /** Tables written by the SQL in each source file's string literals, by the package the file is in. */
    static Map<String, Set<String>> tableWriters(Path sources) throws IOException {
        Map<String, Set<String>> writers = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String feature = featureOf(ROOT + "." + sources.relativize(file).toString()
                        .replace(java.io.File.separatorChar, '.'));
                CharSequence literals = literals(Files.readString(file));
                Matcher write = WRITE.matcher(literals);
                while (write.find()) {
                    writers.computeIfAbsent(write.group(1) != null ? write.group(1) : write.group(2),
                            t -> new TreeSet<>()).add(feature);
                }
            }
        }
        return writers;
    }

    /** The contents of a Java source's string literals and text blocks, one per line (comments skipped). */
    static CharSequence literals(String code) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < code.length()) {
            if (code.startsWith("//", i)) {
                int end = code.indexOf('\n', i);
                i = end < 0 ? code.length() : end;
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 2;
            } else if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                out.append(code, i + 3, end < 0 ? code.length() : end).append('\n');
                i = end < 0 ? code.length() : end + 3;
            } else if (code.charAt(i) == '"' || code.charAt(i) == '\'') {
                char quote = code.charAt(i++);
                while (i < code.length() && code.charAt(i) != quote) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                    if (i < code.length()) {
                        if (quote == '"') {
                            out.append(code.charAt(i));
                        }
                        i++;
                    }
                }
                out.append('\n');
                i++;
            } else {
                i++;
            }
        }
        return out;
    }

    /** The tables the migrations create. */
    static Set<String> tables() throws IOException {
        Pattern create = Pattern.compile("CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([a-z_0-9]+)",
                Pattern.CASE_INSENSITIVE);
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("db/migration"))) {
            for (Path file : files.toList()) {
                Matcher m = create.matcher(Files.readString(file));
                while (m.find()) {
                    tables.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return tables;
    }

    @Test
    void eachTableIsWrittenByOnePackage() throws IOException {
        Map<String, Set<String>> writers = tableWriters(Path.of("src/main/java/com/canisterhost"));
        assertThat(writers).as("the SQL scan finds the commit's and the journal's writes")
                .containsKeys("canisters", "calls", "memory_pages");
        assertThat(tables()).as("every table the code writes exists, and has an owner")
                .containsAll(writers.keySet()).containsAll(TABLE_OWNERS.keySet());
        Map<String, Set<String>> expected = new TreeMap<>();
        writers.keySet().forEach(table -> expected.put(table, TABLE_OWNERS.containsKey(table)
                ? Set.of(TABLE_OWNERS.get(table)) : Set.of("(a table with no owner in TABLE_OWNERS)")));
        assertThat(writers).isEqualTo(expected);
    }

    @Test
    void jpaEntitiesAreReadOnly() {
        // the canister package reads canisters through JPA; writes are state's (CanisterRows and the commits)
        assertThat(classes.stream().filter(c -> c.isAnnotatedWith(jakarta.persistence.Entity.class)))
                .isNotEmpty()
                .allSatisfy(entity -> assertThat(entity.isAnnotatedWith(org.hibernate.annotations.Immutable.class))
                        .as(entity.getName() + " is @Immutable").isTrue());
    }
}
