/** Persons and companies, their merges and the duplicate check on request. */

import { defineModule, routesOf } from '../shared/module.ts';
import { contactsRoutes } from './contacts.routes.ts';
import { vcardRoutes } from './vcards.routes.ts';

export default defineModule({
  functions: {
    'contacts-api': {
      entry: 'contacts-api.handler.ts',
      description: 'Persons and companies behind duplicate protection, their merges, and the duplicate check',
      // a merge moves links in chunks of transactions; 150 links take about a second, thousands need the headroom
      timeoutSeconds: 29,
      memoryMb: 512,
      access: { table: 'readWrite' },
      routes: routesOf(contactsRoutes),
    },
    'contact-files': {
      entry: 'contact-files.handler.ts',
      description: 'Contacts as files: vCard import (body, upload, mail attachment) and export, and persons’ photos',
      // a request imports up to 250 cards, each a duplicate check and a transaction
      timeoutSeconds: 29,
      // a 4 MB file of photos, decoded and checked, with room to spare
      memoryMb: 1024,
      // the bucket: persons' photos (photos/), vCard uploads (vcard-uploads/), mail attachments (attachments/) read
      access: { table: 'readWrite', mailBucket: { read: ['attachments/'], readWrite: ['photos/', 'vcard-uploads/'] } },
      routes: routesOf(vcardRoutes),
    },
    'merge-resumer': {
      entry: 'merge-resumer.handler.ts',
      description: 'Every five minutes: finishes merges of persons and companies whose request stopped halfway',
      timeoutSeconds: 300,
      memoryMb: 512,
      access: { table: 'readWrite' },
      scheduleMinutes: 5,
    },
  },
});
