/**
 * Internal. dtc's Xids: fixed format id, a global id {@code node/boot/counter} that tells recovery whose
 * branch it is and whether this process made it, and a branch qualifier per enlisted resource.
 */
package dev.dtc.internal.xid;
