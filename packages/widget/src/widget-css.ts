/** The widget's styles, scoped by its Shadow DOM so the host page and the widget never restyle each other. */
export const WIDGET_CSS = `
:host{all:initial;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827}
*{box-sizing:border-box;font:inherit}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:999px;padding:12px 20px;background:#2563eb;color:#fff;font-weight:600;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.2)}
.panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:340px;max-width:calc(100vw - 40px);height:480px;max-height:calc(100vh - 100px);display:flex;flex-direction:column;background:#fff;border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.25);overflow:hidden}
.panel[hidden]{display:none}
div.head{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;background:#2563eb;color:#fff}
.x{display:grid;place-items:center;width:36px;height:36px;margin:-6px -10px -6px 0;border:0;border-radius:8px;background:none;color:#fff;font-size:26px;line-height:1;cursor:pointer}
.x:hover{background:rgba(255,255,255,.15)}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:2px solid #1d4ed8;outline-offset:2px}
.x:focus-visible{outline-color:#fff}
.body{flex:1;display:flex;flex-direction:column;min-height:0;padding:12px 16px;gap:8px;overflow:auto}
form{display:flex;flex-direction:column;gap:8px}
label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:#374151}
input,textarea{border:1px solid #d1d5db;border-radius:8px;padding:8px;font-size:14px;color:#111827;background:#fff;resize:vertical}
button{cursor:pointer}
.primary{border:0;border-radius:8px;padding:8px 12px;background:#2563eb;color:#fff;font-weight:600}
.primary:disabled{opacity:.5;cursor:default}
.end{border:1px solid #d1d5db;border-radius:8px;padding:6px 10px;background:#fff;color:#374151}
.messages{list-style:none;margin:0;padding:0;flex:1;overflow:auto;display:flex;flex-direction:column;gap:6px;min-height:0}
.messages li{max-width:85%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}
.messages .customer{align-self:flex-end;background:#2563eb;color:#fff}
.messages .agent{align-self:flex-start;background:#f3f4f6}
.who{display:block;font-size:11px;color:#4b5563}
.messages .customer .who{color:#eff6ff}
.compose{flex-direction:row;align-items:flex-end}.compose textarea{flex:1;min-width:0}
.messages .note{align-self:center;max-width:100%;padding:2px 8px;background:none;color:#4b5563;font-size:12px;text-align:center}
.status{margin:0;padding:8px 10px;border-radius:8px;background:#eff6ff;color:#1e3a8a;font-size:13px}
.status[hidden],.file{display:none}
.typing{display:flex;align-items:center;gap:6px;margin:0;min-height:18px;font-size:12px;color:#4b5563}
.dots{display:inline-flex;gap:3px}
.dots i{width:5px;height:5px;border-radius:50%;background:currentColor;animation:cw-dot 1.2s infinite}
.dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}
@keyframes cw-dot{0%,60%,100%{opacity:.3}30%{opacity:1}}
@media (prefers-reduced-motion:reduce){.dots i{animation:none}}
.attach{display:grid;place-items:center;flex:none;width:38px;height:38px;border:1px solid #d1d5db;border-radius:8px;background:#fff;color:#374151;padding:0}
.attach svg{width:20px;height:20px}
.attach:disabled{opacity:.5;cursor:progress}
.picture{display:block;max-width:100%;max-height:200px;margin-top:4px;border-radius:6px;background:#fff}
.messages li.bare{padding:0;background:none}
.bare .picture{margin:0;border:1px solid #e5e7eb;border-radius:10px}
.messages li a{color:inherit}
@media (max-width:480px){
.panel{inset:0;width:100%;max-width:none;height:100%;max-height:none;border-radius:0}
.panel:not([hidden])~.launcher{display:none}
div.head{padding:calc(6px + env(safe-area-inset-top)) calc(12px + env(safe-area-inset-right)) 6px calc(16px + env(safe-area-inset-left));font-size:16px}
.body{padding:12px calc(16px + env(safe-area-inset-right)) calc(12px + env(safe-area-inset-bottom)) calc(16px + env(safe-area-inset-left))}
.x{width:44px;height:44px;font-size:30px}
input,textarea{font-size:16px}
}
.stars{display:flex;gap:4px}
.star{border:0;background:none;font-size:28px;color:#d1d5db;padding:0 2px}
.star[aria-pressed=true]{color:#f59e0b}
.error{color:#b91c1c;margin:0;min-height:1em}
.greeting,.thanks{margin:0;color:#374151}
`;
