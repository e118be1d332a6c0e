export interface LoginRequest {
  username: string;
  password: string;
}

export interface SessionInfo {
  username: string;
  expires_at: string;
}

export interface ChangePasswordRequest {
  current_password: string;
  new_password: string;
}
