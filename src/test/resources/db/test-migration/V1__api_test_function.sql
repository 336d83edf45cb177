-- A function added by a migration, as a later release would add one; the NOTIFY reloads the API catalog.
create schema if not exists api;

create function api.t_added_by_migration(p_name text)
returns table (greeting text) language sql stable
as $$ select 'hello ' || p_name $$;

grant execute on function api.t_added_by_migration(text) to public;

notify pgrst, 'reload schema';
