import { defineSObjectStream } from './sobject-stream.ts';

export const contacts = defineSObjectStream({
  name: 'contacts',
  entity: 'contact',
  sobject: 'Contact',
  description: 'Contacts, each linked to its account',
  fields: [
    'AccountId',
    'Salutation',
    'FirstName',
    'LastName',
    'Title',
    'Department',
    'Email',
    'Phone',
    'MobilePhone',
    'MailingStreet',
    'MailingCity',
    'MailingState',
    'MailingPostalCode',
    'MailingCountry',
    'CreatedDate',
    'LastModifiedDate',
  ],
});
