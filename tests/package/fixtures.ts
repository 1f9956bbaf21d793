/**
 * Stand-ins for the values `teamsapp provision` writes to env/.env.<env> (ids of the Teams app,
 * the Entra apps and the Azure outputs). Tests lay them over the committed env files, which
 * leave them empty on purpose (non-empty values would stop the Toolkit creating the resources).
 */
export const PROVISION_OUTPUTS_DEV: Record<string, string> = {
  TEAMS_APP_ID: '3f6c1a52-8f4e-4d0b-9a0e-2b7c5d1e9a01',
  BOT_ID: '7d2e4b18-1c3a-4f6e-8b9d-0a1b2c3d4e02',
  BOT_TENANT_ID: '5a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c03',
  AAD_APP_CLIENT_ID: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c04',
  AAD_APP_TENANT_ID: '5a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c03',
  TAB_DOMAIN: 'safersocialab12cd.azurewebsites.net',
  TAB_ENDPOINT: 'https://safersocialab12cd.azurewebsites.net',
  BOT_DOMAIN: 'safersocialab12cd.azurewebsites.net',
};

export const PROVISION_OUTPUTS_LOCAL: Record<string, string> = {
  ...PROVISION_OUTPUTS_DEV,
  TAB_DOMAIN: 'k3x9v2qp-3978.uks1.devtunnels.ms',
  TAB_ENDPOINT: 'https://k3x9v2qp-3978.uks1.devtunnels.ms',
};
