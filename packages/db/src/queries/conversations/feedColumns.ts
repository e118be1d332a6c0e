/**
 * The columns of a live-feed message (FeedMessage), for queries over `conversations c JOIN users u`.
 * One definition, so the feed, its catch-up and the first page can never drift apart.
 */
export const FEED_COLUMNS = `c.id, c.facebook_id AS user_id,
            nullif(concat_ws(' ', u.first_name, u.last_name), '') AS user_name,
            coalesce(c.message_text, '') AS message_text, c.reply_text,
            to_char(c."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp",
            c.response_time_ms AS response_time, c.instance_id, c.status, c.kind`;
