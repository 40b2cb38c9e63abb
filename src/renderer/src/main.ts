import { mount } from 'svelte';
import App from './App.svelte';
import SessionReport from './report/SessionReport.svelte';
import { parseReportHash } from '@shared/report';

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

// The same page is the app, or a session's report for printing (src/shared/report.ts).
const report = parseReportHash(location.hash);
// The report's paper styles key on this, so no element of the app's own can turn its page white.
if (report) document.documentElement.dataset.window = 'report';
export default report ? mount(SessionReport, { target, props: { request: report } }) : mount(App, { target });
