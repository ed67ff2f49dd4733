/**
 * Field limits (in characters) shared by the API's schemas and the web app's forms, so a form
 * never accepts what the server refuses. Changing one changes both.
 */
export const LIMITS = {
  subject: 300,
  description: 20000,
  customerName: 200,
  email: 320,
  phone: 40,
  /** An agent's reply or internal note. */
  message: 50000,
  /** A note given with a status change (waiting, resolve, cancel). */
  actionNote: 20000,
  /** A customer's comment with a satisfaction survey's stars. */
  surveyComment: 2000,
  /** A customer's chat message. */
  chatMessage: 10000,
  /** Names of users, teams, channels and the organisation. */
  name: 200,
  /** Names of roles and API tokens. */
  shortName: 100,
  passwordMin: 8,
  passwordMax: 1000,
} as const;
export type LimitKey = keyof typeof LIMITS;
