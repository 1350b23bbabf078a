/** bias-dtype: an attention bias whose dtype differs from the query's. */
import { dtypeWarningRule } from './dtype-warnings';

export default dtypeWarningRule({ code: 'bias-dtype', severity: 'error', description: 'an attention bias whose dtype differs from the query\'s' });
