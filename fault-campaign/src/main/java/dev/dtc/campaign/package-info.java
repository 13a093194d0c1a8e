/**
 * The reliability campaign: each {@link dev.dtc.campaign.Part} kills, hangs, damages or feeds hostile input to one
 * area of the system and checks the invariants afterwards; {@link dev.dtc.campaign.CampaignMain} runs the parts at
 * CI or full size and prints one summary table (fault point x face: iterations, violations, in doubt left).
 */
package dev.dtc.campaign;
