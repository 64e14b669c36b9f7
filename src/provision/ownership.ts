/** Who should own the files provisioning writes: see src/core/service-user.ts (doctor needs the same). */
export { runningAsRoot, SERVICE_USER, serviceIds, type ServiceIds } from '../core/service-user.js';
