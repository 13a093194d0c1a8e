package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A segment file and its number; names sort by number, not by string (numbers may outgrow 8 digits). */
record SegmentFile(long number, Path path) {

    private static final Pattern NAME = Pattern.compile("dtc-(\\d{8,18})\\.log");

    static SegmentFile in(Path directory, long number) {
        return new SegmentFile(number, directory.resolve(String.format("dtc-%08d.log", number)));
    }

    /** The segment files of a directory, oldest first. Other files are ignored. */
    static List<SegmentFile> list(Path directory) throws IOException {
        List<SegmentFile> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    segments.add(new SegmentFile(Long.parseLong(m.group(1)), p));
                }
            }
        }
        segments.sort(Comparator.comparingLong(SegmentFile::number));
        return segments;
    }
}
