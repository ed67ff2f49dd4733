/**
 * The customer's survey page (SPEC §12), served as plain HTML: a form that works without
 * JavaScript (five radio buttons drawn as stars, a comment, Send), so it opens in any mail
 * client's browser. It names the organisation and the case's reference, nothing else.
 */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
  :root{color-scheme:light}
  *{box-sizing:border-box}
  body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f5f6f8;color:#1d2330;line-height:1.5}
  main{max-width:520px;margin:0 auto;padding:48px 20px}
  .card{background:#fff;border:1px solid #e2e5ea;border-radius:14px;padding:28px 28px 24px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
  .org{font-size:13px;font-weight:600;color:#5e6776;text-transform:uppercase;letter-spacing:.04em;margin:0 0 6px}
  h1{font-size:22px;line-height:1.3;margin:0 0 6px}
  .ref{color:#5e6776;margin:0 0 22px}
  fieldset{border:0;margin:0 0 18px;padding:0}
  legend{font-weight:600;margin-bottom:8px;padding:0}
  .stars{display:flex;flex-direction:row-reverse;justify-content:flex-end;gap:4px}
  .stars input{position:absolute;opacity:0;width:1px;height:1px}
  .stars label{font-size:40px;line-height:1;color:#cdd2da;cursor:pointer;padding:2px 4px;border-radius:8px}
  .stars label:hover,.stars label:hover~label,.stars input:checked~label{color:#d97706}
  .stars input:focus-visible+label{outline:3px solid #2459d6;outline-offset:2px}
  .scale{display:flex;justify-content:space-between;max-width:250px;font-size:13px;color:#5e6776;margin-top:2px}
  label.comment{display:block;font-weight:600;margin-bottom:6px}
  textarea{width:100%;min-height:110px;font:inherit;padding:10px 12px;border:1px solid #cdd2da;border-radius:10px;resize:vertical}
  textarea:focus{outline:3px solid #2459d6;outline-offset:1px;border-color:#2459d6}
  .hint{font-size:13px;color:#5e6776;margin:4px 0 20px}
  button{font:inherit;font-weight:600;background:#2459d6;color:#fff;border:0;border-radius:10px;padding:11px 22px;cursor:pointer}
  button:hover{background:#1b46ad}
  button:focus-visible{outline:3px solid #1d2330;outline-offset:2px}
  .error{background:#fdecec;color:#9b1c1c;border-radius:10px;padding:10px 12px;margin:0 0 16px}
  .done{font-size:40px;color:#d97706;margin:0 0 8px;letter-spacing:2px}
  .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
  .optional{font-weight:400}
  footer{font-size:12px;color:#5e6776;text-align:center;margin-top:16px}
  @media (max-width:480px){main{padding:20px 12px}.card{padding:22px 18px 20px}.stars label{font-size:36px}}
`;

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}<footer>Powered by Casework</footer></main></body></html>`;
}

const WORDS = ['', 'Very poor', 'Poor', 'Okay', 'Good', 'Excellent'];

/** The question: five stars (one pre-chosen from the mail's link), a comment, Send. */
export function surveyFormPage(p: {
  organisation: string;
  reference: string;
  action: string;
  stars: number | null;
  error?: string;
}): string {
  const stars = [5, 4, 3, 2, 1]
    .map(
      (n) =>
        `<input type="radio" id="s${n}" name="stars" value="${n}"${p.stars === n ? ' checked' : ''} required>` +
        `<label for="s${n}" title="${WORDS[n]}"><span aria-hidden="true">★</span><span class="sr">${n} of 5 stars: ${WORDS[n]}</span></label>`,
    )
    .join('');
  return shell(
    `How did we do? — ${p.organisation}`,
    `<div class="card">
  <p class="org">${esc(p.organisation)}</p>
  <h1>How did we do?</h1>
  <p class="ref">Your request ${esc(p.reference)}</p>
  ${p.error ? `<p class="error" role="alert">${esc(p.error)}</p>` : ''}
  <form method="post" action="${esc(p.action)}">
    <fieldset>
      <legend>How would you rate the help you received?</legend>
      <div class="stars">${stars}</div>
      <div class="scale" aria-hidden="true"><span>Very poor</span><span>Excellent</span></div>
    </fieldset>
    <label class="comment" for="comment">Anything you would like to tell us? <span class="optional">(optional)</span></label>
    <textarea id="comment" name="comment" maxlength="2000"></textarea>
    <p class="hint">Your rating goes to the team that helped you.</p>
    <button type="submit">Send rating</button>
  </form>
</div>`,
  );
}

/** After the answer: thanks, with the stars given. */
export function surveyThanksPage(p: { organisation: string; reference: string; stars: number }): string {
  return shell(
    `Thank you — ${p.organisation}`,
    `<div class="card">
  <p class="org">${esc(p.organisation)}</p>
  <p class="done" aria-hidden="true">${'★'.repeat(p.stars)}${'☆'.repeat(5 - p.stars)}</p>
  <h1>Thank you for your feedback</h1>
  <p class="ref">You rated your request ${esc(p.reference)} ${p.stars} of 5 stars. You can close this page.</p>
</div>`,
  );
}

/** A link that is unknown (404) or already used (409), in words for the customer. */
export function surveyClosedPage(status: 404 | 409): string {
  const [title, text] =
    status === 409
      ? ['This survey has already been answered', 'Thank you, your rating was recorded. A survey can be answered once.']
      : ['This survey link is not valid', 'Please check that the whole link from the message was opened.'];
  return shell(title, `<div class="card"><h1>${esc(title)}</h1><p class="ref">${esc(text)}</p></div>`);
}
