/**
 * Shapes of the tab API's answers: the server's own (src/tab-api/dto.ts), imported as types only, so a
 * server change that breaks the tab fails the type-check and no server code reaches the tab bundle.
 */
export type {
  AccountRegister,
  AckRegister,
  AckRow,
  RolloutResult,
  PolicyText,
  AccountRegisterRow,
  ApprovalState,
  CaseDetail,
  CasePage,
  CaseSummary,
  DevUser,
  FamilyRegisterRow,
  ConsentRow,
  ConsentRegister,
  ConsentImportResult,
  ConsentHistoryRow,
  ConsentChangeDto,
  Items,
  Me,
  MemberRow,
  Members,
  Option,
  PendingEnrolment,
  PolicyPage,
  PolicyRuleRow,
  Person,
  RoleChangeRow,
  Stats,
} from '../../src/tab-api/dto.js';
