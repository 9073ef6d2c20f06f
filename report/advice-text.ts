/**
 * The advice's headline (today's fit, the recommendation, the next limit), shared by the HTML report and
 * `stagekit advise` (whose tables, Markdown and JSON are in cli/commands/advise-text.ts).
 */
import { Advice, monthLabel } from '../core/advisor';
import { percent } from '../core/capacity';

function monthRef(advice: Advice, month: number | undefined): string {
  return month === undefined ? `not within ${advice.options.months} months` : `${monthLabel(advice.options.start, month)} (month ${month})`;
}

/** The summary lines: today's fit, the recommendation, the next limit. */
export function adviceHeadline(advice: Advice): string[] {
  const first = advice.months[0];
  const lines: string[] = [];
  lines.push(advice.fitsToday ? `Fits today: ${advice.fitsToday} (the lowest stage whose limits carry the workload)` : 'Fits today: no stage of the ladder carries the workload');
  lines.push(first.stage ? `Recommended now: ${first.stage} — ${first.reason}` : `Recommended now: none — ${first.reason}`);
  const next = advice.nextLimit;
  if (next) lines.push(`Next limit: ${next.title} on ${next.stage} — headroom below ${percent(advice.options.minHeadroom)} ${monthRef(advice, next.lowHeadroomMonth)}, exceeded ${monthRef(advice, next.exceededMonth)}`);
  else if (first.stage) lines.push(`Next limit: none of ${first.stage}'s limits is exceeded within ${advice.options.months} months`);
  return lines;
}
