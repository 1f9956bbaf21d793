import { AccountsRegister } from './accounts-register.js';
import { FamilyRegister } from './family-register.js';

export function Register({ kind }: { kind: 'accounts' | 'family' }) {
  return kind === 'accounts' ? <AccountsRegister /> : <FamilyRegister />;
}
