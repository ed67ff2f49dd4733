import { CopyField } from '../../components/copy-field';
import { embedSnippet, providerUrls, type Channel } from './channel-api';

/** How to connect a channel to the outside world: embed snippet, SDK key or provider webhooks. */
export function ChannelSetup({ channel, autoFocus = false }: { channel: Channel; autoFocus?: boolean }) {
  if (channel.type === 'web_connect') {
    const snippet = embedSnippet(channel);
    if (!snippet) return null;
    return (
      <div className="channel-setup">
        <CopyField
          label="Embed snippet"
          value={snippet}
          multiline
          autoFocus={autoFocus}
          hint="Paste before </body> on any page of your website. It adds a “Chat with us” button."
        />
        <a
          className="channel-demo-link"
          href={`/demo/chat?key=${encodeURIComponent(channel.publicKey ?? '')}`}
          target="_blank"
          rel="noreferrer"
        >
          Try it on the demo page
          <span className="visually-hidden"> (opens in a new tab)</span>
        </a>
      </div>
    );
  }
  if (channel.type === 'support_sdk' && channel.publicKey) {
    const code = `createClient({ baseUrl: "${window.location.origin}", channelKey: "${channel.publicKey}" })`;
    return (
      <div className="channel-setup">
        <CopyField label="SDK setup" value={code} autoFocus={autoFocus} hint="Use it with the @casework/sdk package in your app." />
      </div>
    );
  }
  const urls = providerUrls(channel);
  if (urls.length === 0) return null;
  return (
    <div className="channel-setup">
      <p className="field-hint">
        Paste these into your provider's settings for {channel.type === 'sms' ? "the number's messaging" : "the number's voice"} webhooks
        (HTTP POST):
      </p>
      {urls.map((item, index) => (
        <CopyField key={item.label} label={item.label} value={item.url} autoFocus={autoFocus && index === 0} />
      ))}
    </div>
  );
}
