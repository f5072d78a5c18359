//! Networks (issue 14): membership, posts and follows. Every read joins
//! `network_members` on the reader's organisation, so a network and its
//! posts exist only for its members; every change runs in one write
//! transaction with its audit entry.

use crate::{Conn, DbRow, Dialect, Sql, SqlStore, Value, db_error, event};
use async_trait::async_trait;
use retrace_domain::{
    AuditAction, CountryCode, Follow, MemberRole, NetworkId, NetworkName, NetworkPostId, NewPost,
    ObjectKind, OrgId, OrgName, PostKind, PostRefusal, RoleSet, Text, Timestamp, UserId,
    post_decision,
};
use retrace_store::{
    AuditContext, Network, NetworkManager, NetworkMember, NetworkPost, NetworkStore,
    NetworkSummary, NetworkView, OrgScope, PostFilter, SeedPost, StoreError, StoreResult,
    StoredJointAction,
};
use sqlx::migrate::Migrate;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

const POST_COLUMNS: &str = "SELECT p.id, p.network_id, n.name AS network_name, p.org_id, \
     o.name AS org_name, p.author_id, p.kind, p.title, p.body, p.countries, p.action_org, \
     ao.name AS action_org_name, p.action_due, p.created_at \
     FROM network_posts p JOIN networks n ON n.id = p.network_id \
     JOIN organisations o ON o.id = p.org_id \
     LEFT JOIN organisations ao ON ao.id = p.action_org \
     JOIN network_members m ON m.network_id = p.network_id AND m.org_id = $1";

fn parse<T, E: std::fmt::Display>(table: &'static str, value: Result<T, E>) -> StoreResult<T> {
    value.map_err(|error| StoreError::Corrupt {
        table,
        detail: error.to_string(),
    })
}

fn countries_text(countries: &[CountryCode]) -> String {
    countries
        .iter()
        .map(CountryCode::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn name_key(name: &NetworkName) -> String {
    name.as_str().to_lowercase()
}

fn refused(refusal: PostRefusal) -> StoreError {
    match refusal.problem() {
        Some(problem) => StoreError::Refused {
            field: "kind",
            problem,
        },
        None => StoreError::NotFound,
    }
}

impl<D> Sql<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    fn network_row(row: &DbRow<D>) -> StoreResult<Network> {
        const T: &str = "networks";
        let id: String = row.try_get("id").map_err(db_error)?;
        let name: String = row.try_get("name").map_err(db_error)?;
        let description: String = row.try_get("description").map_err(db_error)?;
        Ok(Network {
            id: parse(T, id.parse::<NetworkId>())?,
            name: parse(T, NetworkName::parse(&name))?,
            description: parse(T, Text::parse("description", &description, 4000, true))?,
            created_at: Timestamp::from_millis(row.try_get("created_at").map_err(db_error)?),
        })
    }

    fn post_row(row: &DbRow<D>) -> StoreResult<NetworkPost> {
        const T: &str = "network_posts";
        let text = |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_error) };
        let countries = text("countries")?;
        let countries = countries
            .split(',')
            .filter(|code| !code.is_empty())
            .map(|code| parse(T, CountryCode::parse(code)))
            .collect::<StoreResult<Vec<_>>>()?;
        let author: Option<String> = row.try_get("author_id").map_err(db_error)?;
        let action_org: Option<String> = row.try_get("action_org").map_err(db_error)?;
        let action_org_name: Option<String> = row.try_get("action_org_name").map_err(db_error)?;
        let action_due: Option<String> = row.try_get("action_due").map_err(db_error)?;
        let joint_action = match (action_org, action_org_name, action_due) {
            (Some(owner), Some(name), Some(due)) => Some(StoredJointAction {
                owner: parse(T, owner.parse::<OrgId>())?,
                owner_name: parse(T, OrgName::parse(&name))?,
                due,
            }),
            _ => None,
        };
        Ok(NetworkPost {
            id: parse(T, text("id")?.parse::<NetworkPostId>())?,
            network: parse(T, text("network_id")?.parse::<NetworkId>())?,
            network_name: parse(T, NetworkName::parse(&text("network_name")?))?,
            org: parse(T, text("org_id")?.parse::<OrgId>())?,
            org_name: parse(T, OrgName::parse(&text("org_name")?))?,
            author: author
                .map(|id| parse(T, id.parse::<UserId>()))
                .transpose()?,
            kind: parse(T, PostKind::parse(&text("kind")?))?,
            title: parse(T, Text::parse("title", &text("title")?, 200, false))?,
            body: parse(T, Text::parse("body", &text("body")?, 20_000, true))?,
            countries,
            joint_action,
            created_at: Timestamp::from_millis(row.try_get("created_at").map_err(db_error)?),
        })
    }

    /// The organisation's role in the network, read in `conn` (inside the
    /// change's transaction for writes).
    async fn member_role(
        conn: &mut Conn<D>,
        network: NetworkId,
        org: OrgId,
    ) -> StoreResult<Option<MemberRole>> {
        let role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM network_members WHERE network_id = $1 AND org_id = $2",
        )
        .bind(network.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_error)?;
        role.map(|role| parse("network_members", MemberRole::parse(&role)))
            .transpose()
    }

    async fn insert_post(
        conn: &mut Conn<D>,
        id: NetworkPostId,
        network: NetworkId,
        org: OrgId,
        author: Option<UserId>,
        post: &NewPost,
        at: Timestamp,
    ) -> StoreResult<()> {
        let id = id.to_string();
        sqlx::query(
            "INSERT INTO network_posts (id, network_id, org_id, author_id, kind, title, body, \
             countries, action_org, action_due, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&id)
        .bind(network.to_string())
        .bind(org.to_string())
        .bind(author.map(|user| user.to_string()))
        .bind(post.kind.as_str())
        .bind(post.title.as_str())
        .bind(post.body.as_str())
        .bind(countries_text(&post.countries))
        .bind(post.joint_action.as_ref().map(|a| a.owner.to_string()))
        .bind(post.joint_action.as_ref().map(|a| a.due_text()))
        .bind(at.as_millis())
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
        let rows: Vec<Vec<Value<'_>>> = post
            .countries
            .iter()
            .map(|country| vec![Value::Text(&id), Value::Text(country.as_str())])
            .collect();
        if !rows.is_empty() {
            Self::insert_rows(
                conn,
                "INSERT INTO network_post_countries (post_id, country)",
                &rows,
            )
            .await?;
        }
        Ok(())
    }

    async fn posts_where(
        pool: &Pool<D::Db>,
        scope: &OrgScope,
        condition: &str,
        binds: &[String],
        limit: u32,
    ) -> StoreResult<Vec<NetworkPost>> {
        let sql = format!(
            "{POST_COLUMNS} WHERE {condition} ORDER BY p.created_at DESC, p.id LIMIT {limit}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope.org().to_string());
        for value in binds {
            query = query.bind(value.clone());
        }
        let rows = query.fetch_all(pool).await.map_err(db_error)?;
        rows.iter().map(Self::post_row).collect()
    }
}

#[async_trait]
impl<D> NetworkStore for SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut Conn<D>: Executor<'c, Database = D::Db>,
    Conn<D>: Migrate,
    <D::Db as Database>::Arguments: IntoArguments<D::Db>,
    for<'a> &'a str: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db> + ColumnIndex<DbRow<D>>,
    for<'a> String: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> i64: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> bool: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Vec<u8>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<&'a str>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<String>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<i64>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    for<'a> Option<Vec<u8>>: Encode<'a, D::Db> + Decode<'a, D::Db> + Type<D::Db>,
    usize: ColumnIndex<DbRow<D>>,
{
    async fn create_network(
        &self,
        audit: &AuditContext,
        name: &NetworkName,
        description: &Text,
        members: &[(OrgId, MemberRole)],
    ) -> StoreResult<Network> {
        if !members
            .iter()
            .any(|(_, role)| *role == MemberRole::Coordinator)
        {
            return Err(StoreError::Refused {
                field: "members",
                problem: retrace_domain::Problem::CoordinatorsRequired,
            });
        }
        let network = Network {
            id: NetworkId::random(),
            name: name.clone(),
            description: description.clone(),
            created_at: audit.at,
        };
        let id = network.id.to_string();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        sqlx::query(
            "INSERT INTO networks (id, name, name_key, description, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name.as_str())
        .bind(name_key(name))
        .bind(description.as_str())
        .bind(audit.at.as_millis())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let org_ids: Vec<String> = members.iter().map(|(org, _)| org.to_string()).collect();
        let rows: Vec<Vec<Value<'_>>> = members
            .iter()
            .zip(&org_ids)
            .map(|((_, role), org)| {
                vec![
                    Value::Text(&id),
                    Value::Text(org),
                    Value::Text(role.as_str()),
                    Value::Int(audit.at.as_millis()),
                ]
            })
            .collect();
        Sql::<D>::insert_rows(
            &mut tx,
            "INSERT INTO network_members (network_id, org_id, role, joined_at)",
            &rows,
        )
        .await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::NetworkCreated, ObjectKind::Network, &id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(network)
    }

    async fn all_networks(&self) -> StoreResult<Vec<Network>> {
        let rows = sqlx::query(
            "SELECT id, name, description, created_at FROM networks ORDER BY name_key, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(Sql::<D>::network_row).collect()
    }

    async fn networks_of(&self, scope: &OrgScope) -> StoreResult<Vec<NetworkSummary>> {
        let rows = sqlx::query(
            "SELECT n.id, n.name, n.description, n.created_at, m.role, \
             (SELECT COUNT(*) FROM network_members a WHERE a.network_id = n.id) AS members, \
             (SELECT COUNT(*) FROM network_posts p WHERE p.network_id = n.id) AS posts \
             FROM networks n JOIN network_members m ON m.network_id = n.id AND m.org_id = $1 \
             ORDER BY n.name_key, n.id",
        )
        .bind(scope.org().to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role").map_err(db_error)?;
                let members: i64 = row.try_get("members").map_err(db_error)?;
                let posts: i64 = row.try_get("posts").map_err(db_error)?;
                Ok(NetworkSummary {
                    network: Sql::<D>::network_row(row)?,
                    role: parse("network_members", MemberRole::parse(&role))?,
                    members: u64::try_from(members).unwrap_or(0),
                    posts: u64::try_from(posts).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn network(&self, scope: &OrgScope, id: NetworkId) -> StoreResult<Option<NetworkView>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        let Some(role) = Sql::<D>::member_role(&mut conn, id, scope.org()).await? else {
            return Ok(None);
        };
        let Some(row) =
            sqlx::query("SELECT id, name, description, created_at FROM networks WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?
        else {
            return Ok(None);
        };
        let network = Sql::<D>::network_row(&row)?;
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.country, m.role FROM network_members m \
             JOIN organisations o ON o.id = m.org_id WHERE m.network_id = $1 \
             ORDER BY o.name_key, o.id",
        )
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        const T: &str = "network_members";
        let members = rows
            .iter()
            .map(|row| {
                let text =
                    |column: &str| -> StoreResult<String> { row.try_get(column).map_err(db_error) };
                Ok(NetworkMember {
                    org: parse(T, text("id")?.parse::<OrgId>())?,
                    name: parse(T, OrgName::parse(&text("name")?))?,
                    country: parse(T, CountryCode::parse(&text("country")?))?,
                    role: parse(T, MemberRole::parse(&text("role")?))?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(NetworkView {
            network,
            role,
            members,
        }))
    }

    async fn set_network_member(
        &self,
        audit: &AuditContext,
        manager: NetworkManager,
        network: NetworkId,
        org: OrgId,
        role: Option<MemberRole>,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM networks WHERE id = $1")
            .bind(network.to_string())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        if exists == 0 {
            return Err(StoreError::NotFound);
        }
        if let NetworkManager::Coordinator(scope) = manager {
            match Sql::<D>::member_role(&mut tx, network, scope.org()).await? {
                Some(MemberRole::Coordinator) => {}
                Some(MemberRole::Member) => {
                    return Err(StoreError::Refused {
                        field: "org",
                        problem: retrace_domain::Problem::CoordinatorsChangeMembers,
                    });
                }
                None => return Err(StoreError::NotFound),
            }
        }
        sqlx::query("DELETE FROM network_members WHERE network_id = $1 AND org_id = $2")
            .bind(network.to_string())
            .bind(org.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if let Some(role) = role {
            sqlx::query(
                "INSERT INTO network_members (network_id, org_id, role, joined_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(network.to_string())
            .bind(org.to_string())
            .bind(role.as_str())
            .bind(audit.at.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        let coordinators: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_members WHERE network_id = $1 AND role = 'coordinator'",
        )
        .bind(network.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if coordinators == 0 {
            return Err(StoreError::Refused {
                field: "org",
                problem: retrace_domain::Problem::KeepOneCoordinator,
            });
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::NetworkMemberChanged,
                ObjectKind::Network,
                network,
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn create_network_post(
        &self,
        audit: &AuditContext,
        scope: &OrgScope,
        roles: &RoleSet,
        network: NetworkId,
        post: &NewPost,
    ) -> StoreResult<NetworkPost> {
        let id = NetworkPostId::random();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let role = Sql::<D>::member_role(&mut tx, network, scope.org()).await?;
        post_decision(role, roles, post.kind).map_err(refused)?;
        if let Some(action) = &post.joint_action
            && Sql::<D>::member_role(&mut tx, network, action.owner)
                .await?
                .is_none()
        {
            return Err(StoreError::Refused {
                field: "owner",
                problem: retrace_domain::Problem::OwnerNotMember,
            });
        }
        Sql::<D>::insert_post(
            &mut tx,
            id,
            network,
            scope.org(),
            audit.actor,
            post,
            audit.at,
        )
        .await?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::NetworkPostCreated, ObjectKind::NetworkPost, id),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.network_post(scope, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn network_posts(
        &self,
        scope: &OrgScope,
        network: NetworkId,
        filter: &PostFilter,
    ) -> StoreResult<Vec<NetworkPost>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        if Sql::<D>::member_role(&mut conn, network, scope.org())
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        drop(conn);
        let mut condition = String::from("p.network_id = $2");
        let mut binds = vec![network.to_string()];
        if let Some(kind) = filter.kind {
            binds.push(kind.as_str().to_owned());
            condition.push_str(&format!(" AND p.kind = ${}", binds.len() + 1));
        }
        if let Some(country) = filter.country {
            binds.push(country.as_str().to_owned());
            condition.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM network_post_countries c \
                 WHERE c.post_id = p.id AND c.country = ${})",
                binds.len() + 1
            ));
        }
        Sql::<D>::posts_where(&self.pool, scope, &condition, &binds, filter.limit).await
    }

    async fn network_post(
        &self,
        scope: &OrgScope,
        id: NetworkPostId,
    ) -> StoreResult<Option<NetworkPost>> {
        let mut posts =
            Sql::<D>::posts_where(&self.pool, scope, "p.id = $2", &[id.to_string()], 1).await?;
        Ok(posts.pop())
    }

    async fn follows(&self, user: UserId) -> StoreResult<Vec<Follow>> {
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT follow FROM network_follows WHERE user_id = $1 ORDER BY follow",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        codes
            .iter()
            .map(|code| parse("network_follows", Follow::parse(code)))
            .collect()
    }

    async fn set_follow(
        &self,
        audit: &AuditContext,
        user: UserId,
        follow: Follow,
        on: bool,
    ) -> StoreResult<()> {
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        let had: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_follows WHERE user_id = $1 AND follow = $2",
        )
        .bind(user.to_string())
        .bind(follow.code())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        if (had > 0) == on {
            return Ok(());
        }
        let change = if on {
            sqlx::query(
                "INSERT INTO network_follows (user_id, follow, created_at) VALUES ($1, $2, $3)",
            )
            .bind(user.to_string())
            .bind(follow.code())
            .bind(audit.at.as_millis())
        } else {
            sqlx::query("DELETE FROM network_follows WHERE user_id = $1 AND follow = $2")
                .bind(user.to_string())
                .bind(follow.code())
        };
        change.execute(&mut *tx).await.map_err(db_error)?;
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(AuditAction::NetworkFollowChanged, ObjectKind::User, user),
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    async fn followed_posts(
        &self,
        scope: &OrgScope,
        user: UserId,
        since: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<NetworkPost>> {
        let sql = format!(
            "{POST_COLUMNS} WHERE p.created_at > $3 AND {FOLLOWED} \
             ORDER BY p.created_at DESC, p.id LIMIT {limit}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.org().to_string())
            .bind(user.to_string())
            .bind(since.as_millis())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(Sql::<D>::post_row).collect()
    }

    async fn seed_network_posts(
        &self,
        audit: &AuditContext,
        posts: &[SeedPost],
    ) -> StoreResult<u64> {
        let ids: Vec<String> = posts
            .iter()
            .map(|_| NetworkPostId::random().to_string())
            .collect();
        let texts: Vec<[String; 5]> = posts
            .iter()
            .map(|seed| {
                [
                    seed.network.to_string(),
                    seed.org.to_string(),
                    countries_text(&seed.post.countries),
                    seed.post
                        .joint_action
                        .as_ref()
                        .map(|a| a.owner.to_string())
                        .unwrap_or_default(),
                    seed.post
                        .joint_action
                        .as_ref()
                        .map(|a| a.due_text())
                        .unwrap_or_default(),
                ]
            })
            .collect();
        let rows: Vec<Vec<Value<'_>>> = posts
            .iter()
            .zip(&ids)
            .zip(&texts)
            .map(|((seed, id), text)| {
                let action = seed.post.joint_action.is_some();
                vec![
                    Value::Text(id),
                    Value::Text(&text[0]),
                    Value::Text(&text[1]),
                    Value::Text(seed.post.kind.as_str()),
                    Value::Text(seed.post.title.as_str()),
                    Value::Text(seed.post.body.as_str()),
                    Value::Text(&text[2]),
                    Value::MaybeText(action.then_some(text[3].as_str())),
                    Value::MaybeText(action.then_some(text[4].as_str())),
                    Value::Int(seed.at.as_millis()),
                ]
            })
            .collect();
        let country_rows: Vec<Vec<Value<'_>>> = posts
            .iter()
            .zip(&ids)
            .flat_map(|(seed, id)| {
                seed.post
                    .countries
                    .iter()
                    .map(move |country| vec![Value::Text(id), Value::Text(country.as_str())])
            })
            .collect();
        let mut tx = Sql::<D>::begin(&self.pool).await?;
        if !rows.is_empty() {
            Sql::<D>::insert_rows(
                &mut tx,
                "INSERT INTO network_posts (id, network_id, org_id, kind, title, body, countries, \
                 action_org, action_due, created_at)",
                &rows,
            )
            .await?;
        }
        if !country_rows.is_empty() {
            Sql::<D>::insert_rows(
                &mut tx,
                "INSERT INTO network_post_countries (post_id, country)",
                &country_rows,
            )
            .await?;
        }
        Sql::<D>::append(
            &mut tx,
            audit,
            &event(
                AuditAction::DemoDataLoaded,
                ObjectKind::NetworkPost,
                posts.len(),
            ),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(posts.len() as u64)
    }
}

/// The post matches one of user `$2`'s follows and is not their own.
pub(crate) const FOLLOWED: &str = "(p.author_id IS NULL OR p.author_id <> $2) AND EXISTS (\
     SELECT 1 FROM network_follows f WHERE f.user_id = $2 AND (f.follow = 'kind:' || p.kind \
     OR EXISTS (SELECT 1 FROM network_post_countries c WHERE c.post_id = p.id \
     AND f.follow = 'country:' || c.country)))";
