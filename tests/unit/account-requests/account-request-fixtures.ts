/** A complete, valid account request form as the cards submit it (staff ids of the unit tests' Westbrook). */
export const VALID = {
  platform: 'instagram', accountName: 'Westbrook Eco Club', aim: 'Share the eco club projects with families', content: 'Photos of projects (no faces)',
  audience: 'families,staff', contributors: 'staff', openness: 'closed', promotion: 'Newsletter', administrators: 'sam,priya', moderators: 'rachel,dev',
  vetting: 'Rachel Moore', host: 'thirdParty', hostName: 'Meta', lineManager: 'rachel', security: 'Private account, follower approval',
  goLive: '2026-04-20', reviewDate: '2027-04-20', exitStrategy: 'Archive and close after a year unless renewed', successMeasures: 'Families engaged',
};
