package dev.dtc.log;

import java.io.IOException;
import java.nio.file.Path;

/** A log directory was opened under another node name than the one it belongs to (see docs/operations.md). */
public final class NodeNameMismatchException extends IOException {

    private final String recorded;
    private final String requested;

    NodeNameMismatchException(Path directory, String recorded, String requested) {
        super("the decision log in " + directory + " belongs to node '" + recorded + "' (recorded in "
                + NodeIdentity.FILE_NAME + "), not to '" + requested + "'. Start this coordinator with nodeName(\""
                + recorded + "\") to finish that node's transactions, or give node '" + requested + "' a log directory"
                + " of its own. A log holds one node's decisions: under another name its decided transactions would"
                + " never be committed, and the prepared branches of the node whose name it took would be rolled back.");
        this.recorded = recorded;
        this.requested = requested;
    }

    /** The node the directory belongs to. */
    public String recordedNodeName() {
        return recorded;
    }

    /** The node name it was opened with. */
    public String requestedNodeName() {
        return requested;
    }
}
