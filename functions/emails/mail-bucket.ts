/** Where SES (and the local SMTP server) put raw mail inside the mail bucket; infra's receipt rule and lifecycle rule use it. */
export const inboundMailPrefix = 'inbound/';
