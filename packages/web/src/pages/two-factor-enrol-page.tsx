import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { keys } from '../api/queries';
import { AuthCard } from '../features/accounts/auth-card';
import { TwoFactorSetup } from '../features/accounts/two-factor-setup';
import { usePageTitle } from '../lib/use-page-title';

/** Where a user the organisation requires to have a second factor lands until they set one up. */
export function TwoFactorEnrolPage() {
  usePageTitle('Set up two-factor sign-in');
  const navigate = useNavigate();
  const client = useQueryClient();
  return (
    <AuthCard title="Set up two-factor sign-in" wide>
      <p className="login-note">Your organisation requires a second step when you sign in: a code from an app on your phone.</p>
      <TwoFactorSetup
        onDone={() => {
          void client.invalidateQueries({ queryKey: keys.me });
          navigate('/', { replace: true });
        }}
      />
    </AuthCard>
  );
}
