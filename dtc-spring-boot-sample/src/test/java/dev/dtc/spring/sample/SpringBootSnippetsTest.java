package dev.dtc.spring.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code of the README's "Spring Boot" section and of docs/spring-boot.md is this module's code, so it compiles and
 * its tests run it: every {@code java} block is in one of the sample's sources, every {@code yaml} block in its
 * application.yml, compared without javadoc and blank lines; the {@code xml} dependency names this version.
 */
class SpringBootSnippetsTest {

    /** Maven runs the tests in the module's directory. */
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path ROOT = MODULE.getParent();

    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

    @Test
    void theReadmesSpringBootSectionIsTheSamplesCode() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("### Spring Boot\n");
        assertThat(start).as("README.md has a '### Spring Boot' section").isNotNegative();
        int end = readme.indexOf("\n## ", start);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        assertBlocksAreTheSamples(section, 3);
    }

    @Test
    void theSpringBootPagesCodeIsTheSamplesCode() throws IOException {
        assertBlocksAreTheSamples(Files.readString(ROOT.resolve("docs/spring-boot.md")), 5);
    }

    private static void assertBlocksAreTheSamples(String markdown, int atLeast) throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MODULE.resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.add(normalized(Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        String yaml = normalized(Files.readString(MODULE.resolve("src/main/resources/application.yml")));
        String version = projectVersion();
        int checked = 0;
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            String kind = m.group(1);
            String code = normalized(m.group(2));
            switch (kind) {
                case "java" -> {
                    assertThat(sources).as("a sample source contains%n%s", code).anyMatch(s -> s.contains(code));
                    checked++;
                }
                case "yaml" -> {
                    assertThat(yaml).as("application.yml").contains(code);
                    checked++;
                }
                case "xml" -> {
                    if (code.contains("dtc-spring-boot-starter")) {
                        assertThat(code).contains("<groupId>dev.dtc</groupId>")
                                .contains("<version>" + version + "</version>");
                        checked++;
                    }
                }
                default -> { }
            }
        }
        assertThat(checked).as("code blocks checked").isGreaterThanOrEqualTo(atLeast);
    }

    private static String normalized(String code) {
        return JAVADOC.matcher(code).replaceAll("").lines().map(String::stripTrailing).filter(l -> !l.isBlank())
                .collect(Collectors.joining("\n"));
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<parent>.*?<version>(.*?)</version>", Pattern.DOTALL)
                .matcher(Files.readString(MODULE.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
