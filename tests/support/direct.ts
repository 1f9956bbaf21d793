import { createStorageClients, type StorageClients } from '../../src/storage/clients.js';
import { DirectoryRepository } from '../../src/storage/directory-repository.js';
import { DirectoryService } from '../../src/domain/directory/directory-service.js';
import { CaseRepository } from '../../src/storage/case-repository.js';
import { TableOutboxStore } from '../../src/storage/outbox-store.js';
import { EnrolmentRepository } from '../../src/storage/enrolment-repository.js';
import { EnrolmentService } from '../../src/domain/directory/enrolment.js';
import { CaseService } from '../../src/domain/cases/case-service.js';
import type { IncidentAnswers } from '../../src/domain/cases/incident.js';

/** Direct access to the same storage the server under test uses: to seed cases and to check what was saved. */
export function direct(connectionString: string, tablePrefix: string) {
  const storage: StorageClients = createStorageClients({ kind: 'connectionString', connectionString, evidenceContainer: 'evidence', tablePrefix });
  const directoryRepo = new DirectoryRepository(storage.table('directory'));
  const directory = new DirectoryService(directoryRepo, Date.now, 0);
  const caseRepo = new CaseRepository(storage.table('cases'));
  const cases = new CaseService(caseRepo, directory);
  return {
    storage,
    directoryRepo,
    directory,
    enrolment: new EnrolmentService(new EnrolmentRepository(storage.table('directory')), directory),
    caseRepo,
    outbox: new TableOutboxStore(storage.table('cases')),
    cases,
    async submit(submitterAad: string, answers: Partial<IncidentAnswers>, submissionId = `sub-${Math.random().toString(36).slice(2)}`) {
      const school = (await directory.school('westbrook'))!;
      const submitter = (await directory.member('westbrook', submitterAad))!;
      return cases.submitIncident({
        school,
        submitter,
        submissionId,
        evidence: [],
        answers: {
          category: 'cyberbullying',
          affected: 'me',
          responsible: 'unknown',
          platform: 'facebook',
          where: 'https://facebook.example/group/1',
          when: 'ongoing',
          whatHappened: 'Secret description text that must never appear on an alert card',
          pupilAtRisk: 'no',
          ...answers,
        },
      });
    },
  };
}
