// What every panel's page shares with its host, whatever the panel.

/** The id of the `<script type="application/json">` element in which the host writes the data a page starts from. */
export const INITIAL_DATA_ELEMENT_ID = 'initial-data';

/** The id vscode-elements' icon looks for on the codicons' <link> (it copies its href and nonce into each icon). */
export const CODICON_STYLESHEET_ID = 'vscode-codicon-stylesheet';
