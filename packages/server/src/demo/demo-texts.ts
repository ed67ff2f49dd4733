import type { CaseType } from '@casework/domain';
import type { TeamKey } from './demo-org.ts';
import type { Rng } from './demo-rng.ts';

/** What a case is about: its subject, the customer's first words and the answer that solves it. */
export type Topic = { subject: string; text: string; reply: string };

export const TOPICS: Record<TeamKey, Topic[]> = {
  care: [
    {
      subject: 'Where is my order NW-{n}?',
      text: 'I ordered a Northwind Thermostat Pro last week and the tracking page has not moved for four days. Can you tell me where the parcel is?',
      reply:
        'The parcel was held at the DHL hub in Leipzig; it is moving again and should reach you tomorrow. The tracking page will update tonight.',
    },
    {
      subject: 'Parcel arrived damaged',
      text: 'The box was crushed on one side and the display of the hub has a crack. I would like a replacement, not a refund.',
      reply: 'I am sorry about that! A replacement hub has shipped today, and the courier will pick up the damaged one when it arrives.',
    },
    {
      subject: 'Change delivery address for order NW-{n}',
      text: 'I am moving on Friday. Could you send the order to my new address instead? It has not shipped yet according to my account.',
      reply: 'Done: the order now goes to your new address. You will get a new shipping confirmation by email.',
    },
    {
      subject: 'Return a motion sensor',
      text: 'I bought three motion sensors but only need two. How do I return one, and do I have to pay for the shipping?',
      reply: 'I have sent you a prepaid return label by email. The refund for the sensor follows as soon as it reaches our warehouse.',
    },
    {
      subject: 'Missing item in my package',
      text: 'The starter kit should include two door sensors but there was only one in the box.',
      reply: 'The missing door sensor is on its way to you separately, at no cost. It should arrive in 2–3 days.',
    },
    {
      subject: 'Gift card code not accepted',
      text: 'The gift card I received for my birthday says "invalid code" at checkout. The code is printed on the back.',
      reply: 'The card had not been activated by the shop. I have activated it now; the code works at checkout.',
    },
    {
      subject: 'Password reset email never arrives',
      text: 'I requested a password reset three times today and nothing arrived, also not in the spam folder.',
      reply:
        'Your mail provider was rejecting our messages. I have sent a new reset link from a different server; please check your inbox.',
    },
    {
      subject: 'Warranty for a thermostat bought in 2023',
      text: 'My thermostat stopped heating the bathroom. Is it still covered by the warranty? I have the receipt.',
      reply: 'Good news: the thermostat is covered until 2026. I have started a free warranty replacement.',
    },
    {
      subject: 'Which camera works outdoors?',
      text: 'I want to watch my front door. Is the Indoor Cam fine under a roof, or do I need the Outdoor Cam?',
      reply:
        'Under a roof the Indoor Cam will not survive frost; the Outdoor Cam is rated IP65 and is the right choice for the front door.',
    },
    {
      subject: 'Cancel order before shipping',
      text: 'I ordered the wrong colour by mistake. Please cancel order NW-{n} if it has not left the warehouse.',
      reply: 'The order is canceled and the payment reservation released. It can take a few days to disappear from your statement.',
    },
    {
      subject: 'Change the email address on my account',
      text: 'I no longer use my old email address. How can I move my account and devices to a new one?',
      reply: 'I have moved your account and all devices to the new address. Please sign in with it from now on.',
    },
    {
      subject: 'Pick up at the Berlin store instead',
      text: 'Can I collect my order at the Berlin Mitte store tomorrow instead of waiting for the courier?',
      reply: 'The order is reserved at Berlin Mitte for you from 11:00 tomorrow. Bring the order confirmation and an ID.',
    },
  ],
  billing: [
    {
      subject: 'Charged twice for my subscription',
      text: 'My bank statement shows two charges of 4.99 EUR for Northwind Plus on the same day.',
      reply:
        'The second charge was a duplicate capture by our payment provider. I have refunded it; it shows on your statement within 3–5 days.',
    },
    {
      subject: 'Refund not received yet',
      text: 'I returned the doorbell three weeks ago and got the confirmation, but the refund is still not on my card.',
      reply: 'The refund was stuck in a manual review. It has been released today and should reach your card within 3 business days.',
    },
    {
      subject: 'Invoice with our VAT number',
      text: 'We need the invoice for order NW-{n} with our VAT ID on it for our accounting. Can you reissue it?',
      reply: 'I have reissued the invoice with your VAT ID and sent it to your email address.',
    },
    {
      subject: 'Update payment method',
      text: 'My credit card expires at the end of the month. How do I switch the subscription to PayPal?',
      reply:
        'You can switch under Account › Plan › Payment method. I have also added a reminder so the renewal does not fail in the meantime.',
    },
    {
      subject: 'Why did my plan price go up?',
      text: 'My Northwind Plus renewal was more expensive than last year. I did not get any notice about a price change.',
      reply:
        'The new price came with the plan change in January. As the notice did not reach you, I have credited the difference for this year.',
    },
    {
      subject: 'Card declined at checkout',
      text: 'My card keeps getting declined although it works everywhere else. The error just says "payment failed".',
      reply:
        'Your bank required a 3-D Secure confirmation that the app did not show. It is fixed in app 5.12; the payment should now go through.',
    },
    {
      subject: 'Cancel Northwind Plus subscription',
      text: 'Please cancel my Plus subscription at the end of the current period. I will keep the devices.',
      reply: 'Your Plus subscription ends at the end of the current period. Your devices keep working with the free features.',
    },
    {
      subject: 'Upgrade to Family plan mid-cycle',
      text: 'If I upgrade to the Family plan today, do I pay the full price or only the difference for this month?',
      reply: 'You only pay the difference for the rest of this month; the full Family price applies from the next renewal.',
    },
    {
      subject: 'SEPA direct debit mandate',
      text: 'I would like to pay by direct debit instead of card. Where can I set up a SEPA mandate?',
      reply: 'I have sent you the link to set up the SEPA mandate; from the next invoice on we will collect by direct debit.',
    },
    {
      subject: 'Reminder letter although I paid',
      text: 'I received a payment reminder for invoice NW-{n} but I paid it on time. Please check.',
      reply: 'Your payment had been booked to a wrong invoice. I have corrected it and withdrawn the reminder, with apologies.',
    },
    {
      subject: 'Promo code not applied',
      text: 'The WINTER20 code showed the discount in the basket but the final charge was the full price.',
      reply: 'The code was not applied because of a basket bug. I have refunded the 20% to your card.',
    },
  ],
  tech: [
    {
      subject: 'Thermostat shows offline in the app',
      text: 'Since yesterday evening my thermostat shows "offline" in the app, although the display works and the Wi-Fi is fine.',
      reply: 'Your router switched the 2.4 GHz channel overnight. After a restart of the thermostat it reconnected; it shows online again.',
    },
    {
      subject: 'App crashes on Android 15',
      text: 'The Northwind app closes immediately after the splash screen since the last update. Phone: Pixel 8, Android 15.',
      reply: 'This is fixed in app version 5.12.1, released today. Please update from the Play Store.',
    },
    {
      subject: 'Outdoor Cam not recording at night',
      text: 'Motion events during the day are recorded, but at night nothing is saved even though the night vision light is on.',
      reply: 'The night recording schedule had been switched off by the last update. I have turned it back on for your camera.',
    },
    {
      subject: 'Firmware update stuck at 63%',
      text: 'The hub has been showing "updating 63%" for two hours. Can I unplug it or will that break it?',
      reply: 'It is safe to unplug it: the hub falls back to the previous firmware. After that the update completed normally.',
    },
    {
      subject: 'Cannot pair door sensor with hub',
      text: 'The new door sensor blinks red and the app says "device not found" every time I try to pair it.',
      reply: 'The sensor needed a reset (hold the button for 10 seconds). Paired successfully now.',
    },
    {
      subject: 'Battery drains within a week',
      text: 'The batteries in my window sensor last only about a week. They used to last months.',
      reply: 'The sensor was reporting every second because of a firmware bug. Firmware 3.2.1 fixes it; batteries last months again.',
    },
    {
      subject: 'Push notifications arrive late',
      text: 'Doorbell notifications reach my phone two or three minutes after someone rings. That makes them useless.',
      reply: 'Battery optimisation on your phone was delaying the app. Excluding the Northwind app from it fixed the delay.',
    },
    {
      subject: 'Two-factor codes not arriving by SMS',
      text: 'I cannot log in because the SMS with the security code never arrives. I am in Austria with an A1 number.',
      reply: 'I have switched your account to codes from an authenticator app, which works without SMS.',
    },
    {
      subject: 'Apple Home integration lost',
      text: 'All Northwind devices disappeared from Apple Home after I updated to iOS 18. The Northwind app still shows them.',
      reply: 'Removing the Northwind bridge from Apple Home and adding it again restores all devices. It is back for you now.',
    },
    {
      subject: 'API returns 429 for our integration',
      text: 'Our home automation script polls the Northwind API every 30 seconds and started getting 429 errors today.',
      reply: 'Your key was on the hobby limit of 60 requests per hour. I have raised it to 600; please use the webhooks where you can.',
    },
    {
      subject: 'Temperature reading 3 degrees too high',
      text: 'The thermostat says 24°C but a separate thermometer next to it says 21°C. It heats too little because of that.',
      reply: 'The sensor offset was set to +3 °C after a reset. I have set it back to 0; readings match now.',
    },
    {
      subject: 'Hub reboots every few hours',
      text: 'The hub restarts by itself several times a day; the light goes white and all automations stop for a few minutes.',
      reply: 'The power adapter was the cause. A new adapter has shipped; the hub has been stable since.',
    },
  ],
  enterprise: [
    {
      subject: 'SAML SSO setup for our tenant',
      text: 'We want our facility staff to sign in with our Entra ID. Can you send the SAML metadata and the steps for our tenant?',
      reply: 'SSO is active for your tenant. The metadata URL and the steps are in the admin guide I sent your IT team.',
    },
    {
      subject: 'Quote for 250 thermostats',
      text: 'We are refurbishing our second office building and need 250 Thermostat Pro units with installation by Q3.',
      reply: 'The quote for 250 Thermostat Pro units including installation is attached, valid for 30 days.',
    },
    {
      subject: 'Onboarding call for new property managers',
      text: 'Five new property managers start next month. Could we schedule a one-hour onboarding session?',
      reply: 'The onboarding session is booked for Tuesday 10:00; the invitation went to all five managers.',
    },
    {
      subject: 'Monthly SLA report missing',
      text: 'We did not receive the SLA report for last month. Our contract says it should arrive by the 5th.',
      reply: 'The report job had failed for your account. The report for last month is attached, and the job is fixed.',
    },
    {
      subject: 'Security questionnaire for vendor review',
      text: 'Our procurement needs the attached security questionnaire completed before we can renew.',
      reply: 'The completed questionnaire and our ISO 27001 certificate are attached.',
    },
    {
      subject: 'Data processing agreement signature',
      text: 'Legal has reviewed the DPA and made two small changes. Who on your side can countersign?',
      reply: 'Our legal team accepted both changes; the countersigned DPA is attached.',
    },
    {
      subject: 'Rotate API keys after staff change',
      text: 'An administrator left the company. Please help us rotate all API keys of our organisation today.',
      reply: 'All 6 API keys of your organisation have been rotated; the new keys are in the admin console.',
    },
    {
      subject: 'SCIM user provisioning errors',
      text: 'The SCIM sync from our identity provider fails for 14 users with "invalid attribute: department".',
      reply: 'The department attribute was longer than 64 characters for those users. We raised the limit; the sync succeeds now.',
    },
    {
      subject: 'Root cause analysis for Tuesday outage',
      text: 'Our buildings lost remote control for about 40 minutes on Tuesday. We need a written RCA for our management.',
      reply: 'The written RCA is attached: a certificate rotation in one region, with the measures we have taken.',
    },
    {
      subject: 'Contract renewal and volume pricing',
      text: 'Our contract ends in two months. We would like to discuss volume pricing for 1,200 devices.',
      reply: 'Your account manager has sent the renewal offer with volume pricing for 1,200 devices.',
    },
    {
      subject: 'Custom invoice terms (60 days)',
      text: 'Our finance department requires 60-day payment terms on invoices. Is that possible with our account?',
      reply: 'Your account now has 60-day payment terms; they apply from the next invoice.',
    },
  ],
};

/** The customer's first message, worded as that channel would bring it in. */
export function firstMessage(type: CaseType, topic: Topic, customer: { name: string; phone: string | null }, rng: Rng): string {
  const first = customer.name.split(' ')[0];
  switch (type) {
    case 'email':
      return `Hello,\n\n${topic.text}\n\nKind regards,\n${customer.name}`;
    case 'web_connect':
    case 'support_sdk':
      return `Hi, ${topic.text.charAt(0).toLowerCase()}${topic.text.slice(1)}`;
    case 'phone':
      return `Call from ${customer.phone ?? 'a withheld number'} (${rng.int(2, 14)} min). ${first} says: ${topic.text}`;
    case 'sms':
      return topic.text.split(/(?<=[.?!])\s/)[0]!;
    case 'platform':
      return `${topic.text}\n\n(Submitted through the Northwind partner portal.)`;
  }
}

export const FIRST_REPLIES = [
  'Hi {c}, thanks for getting in touch. I am looking into this now and will come back to you shortly.',
  'Hello {c}, thank you for the details. I can see your account and I am checking what happened.',
  'Hi {c}, sorry for the trouble! Let me have a look at this for you.',
  'Hello {c}, thanks for your message. I have taken over your case and will keep you posted.',
];

export const CUSTOMER_FOLLOW_UPS = [
  'Thanks for the quick answer. Here is the screenshot you asked for.',
  'I tried that this morning, unfortunately it did not change anything.',
  'The order number is NW-{n}, in case you need it.',
  'OK, I will wait. Please let me know as soon as you know more.',
  'That is good to hear, thank you!',
  'Just to add: the same happened to my neighbour, who also has your devices.',
];

export const MIDDLE_REPLIES = [
  'Thanks, {c}. I have passed this on to our specialists and expect an answer today.',
  'I could reproduce the problem on our side. A fix is being prepared; I will update you when it is available.',
  'I have checked again: everything looks correct in our system now. Could you try once more?',
  'Thank you for your patience, {c}. I have asked our warehouse team to check this directly.',
];

export const WAITING_ASKS = [
  'Could you send me a photo of the label on the back of the device? I will put the case on hold until then.',
  'Our partner needs until tomorrow to confirm. I will get back to you as soon as I hear from them.',
  'Could you try the steps above tonight and tell me whether it happens again?',
  'I have ordered the replacement part; it should be with us in a few days. I will contact you when it ships.',
];

/** Said after the topic's own answer, when a case is solved. */
export const SIGN_OFFS = [
  'If anything else comes up, just reply to this message.',
  'Have a great day!',
  'Thanks for your patience, {c}.',
  'I am closing this case now; you can always reach us here.',
];

export const NOTES = [
  'Checked the device logs: last heartbeat 3 days ago, looks like a Wi-Fi issue on the customer side.',
  'Known issue NW-4821, the fix ships with firmware 3.2.1.',
  'Long-time customer, please handle with priority.',
  'Asked the warehouse in Leipzig to check the shipment.',
  'Payment provider confirms a duplicate capture; refund requested.',
  '@Helena FYI, this might affect more accounts.',
  'Customer called again this morning, same question.',
];

export const CANCEL_NOTES = [
  'Duplicate of a case the customer opened by email.',
  'Spam.',
  'Sent to us by mistake, the customer meant their installer.',
];

export const RATING_NOTES = ['Quick and friendly, thank you!', 'Solved in minutes.', 'Took a while but got there.', null, null];

/** Fills {c} (customer's first name) and {n} (the case's order number) in a template. */
export function fill(template: string, customerName: string, orderNo: number): string {
  return template.replace(/\{c\}/g, customerName.split(' ')[0]!).replace(/\{n\}/g, String(orderNo));
}
