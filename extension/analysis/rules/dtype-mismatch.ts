/** dtype-mismatch: q, k and v reach a call that does not cast them with different dtypes. */
import { dtypeWarningRule } from './dtype-warnings';

export default dtypeWarningRule({ code: 'dtype-mismatch', severity: 'error', description: 'q, k and v reach a call that does not cast them with different dtypes' });
