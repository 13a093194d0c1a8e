package dev.dtc.campaign;

import java.io.PrintStream;
import java.util.List;

/** One area of the campaign. A part must never report success for a run that hit nothing (iterations 0). */
public interface Part {

    /** Short name used on the command line ({@code --part NAME}) and in the table. */
    String name();

    /** What it does, in one line, for {@code --help} and the report. */
    String description();

    /**
     * Runs the part.
     *
     * @param size how much
     * @param seed every random choice derives from it, so a failing run can be replayed
     * @param log  progress and violation details for people
     * @return one tally per fault point and face
     */
    List<Tally> run(Size size, long seed, PrintStream log) throws Exception;
}
