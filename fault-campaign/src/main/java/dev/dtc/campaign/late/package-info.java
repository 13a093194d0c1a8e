/**
 * §1 of the campaign, recovery with resources that come late: a database or a participant that is down or not
 * registered when the coordinator restarts after a crash, and comes back after the late time; nothing it holds may be
 * decided without it, and everything must end once it is back ({@link dev.dtc.campaign.late.LatePart}).
 */
package dev.dtc.campaign.late;
