// What every panel's page does first, whatever the panel.
import { CODICON_STYLESHEET_ID, INITIAL_DATA_ELEMENT_ID } from '../../src/protocol/page';

/** The codicons' stylesheet is linked as media="print" so it never holds up the inline script: switch it on. */
export function enableCodicons(): void {
  const link = document.getElementById(CODICON_STYLESHEET_ID);
  if (link instanceof HTMLLinkElement) link.media = 'all';
}

/** The data the host wrote into the page (parsed JSON), or undefined when there is none or it does not parse. */
export function initialData(): unknown {
  const text = document.getElementById(INITIAL_DATA_ELEMENT_ID)?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
