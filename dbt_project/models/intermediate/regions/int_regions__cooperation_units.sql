-- The non-overlapping units of the Kooperationsraum: the partners at Kreis level (kreisfreie
-- Städte and Landkreise). Partner Gemeinden lie inside them and are never counted again.
with

partners as (
    select * from {{ ref('stg_registry__partners') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

final as (
    select
        partners.partner_ars as unit_ars,
        partners.partner_id,
        cooperation.cooperation_ars,
    from partners
    cross join cooperation
    where partners.partner_level in ('kreisfreie_stadt', 'landkreis')
)

select * from final
