import { verifyRecordedAnswers } from '@kairos/testing';

// After each suite's own hooks stopped its apps: every answer it received, against the OpenAPI document.
afterAll(verifyRecordedAnswers);
