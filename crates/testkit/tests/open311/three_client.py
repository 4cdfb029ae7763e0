# -*- coding: utf-8 -*-
"""Drives Pingan's Open311 server with `three` 0.8.0 (Code for America, Python 2.7 only): discovery,
services, a definition, a urlencoded POST and a multipart POST with a photo, reads and a token, in
JSON and XML. Prints one line per request made; any failure raises and exits non-zero."""
import sys

import three

base, key, lat, lon, photo = sys.argv[1:6]


def first(data, root):
    """A list in JSON; in XML relaxml strips the root and keeps the item, one or many."""
    if isinstance(data, list):
        return data[0]
    item = data[root]
    return item[0] if isinstance(item, list) else item


for fmt in ('json', 'xml'):
    t = three.Three(base + '/open311/v2', api_key=key, jurisdiction='tongchuan.gov.cn', format=fmt)
    discovery = t.discovery()
    if fmt == 'xml':
        discovery = discovery.get('discovery', discovery)
    assert discovery['changeset'], discovery
    services = t.services()
    codes = [s['service_code'] for s in (services if fmt == 'json' else services['service'])]
    assert 'ZZ02' in codes, codes
    definition = t.services('ZZ02')
    assert definition['service_code'] == 'ZZ02', definition
    created = t.post('ZZ02', lat=lat, long=lon, name='San Zhang', phone='13800138000',
                     address=u'朝阳东路 12 号'.encode('utf-8'),
                     description=u'路灯不亮（three %s）'.format(fmt).encode('utf-8'))
    assert t.post_response.status_code == 200, t.post_response.content
    rid = first(created, 'request')['service_request_id']
    assert rid.startswith('SJ'), created
    with open(photo, 'rb') as media:
        with_photo = t.post('ZZ02', lat=lat, long=lon, media=media,
                            description=u'井盖缺失，附照片'.encode('utf-8'))
    assert t.post_response.status_code == 200, t.post_response.content
    assert 'multipart/form-data' in t.post_response.request.headers['Content-Type']
    photo_rid = first(with_photo, 'request')['service_request_id']
    one = first(t.request(rid), 'request')
    assert one['status'] == 'open', one
    assert one['service_request_id'] == rid, one
    listed = t.requests('ZZ02', status='open', count=50, page=1)
    listed = listed if fmt == 'json' else listed['request']
    listed = listed if isinstance(listed, list) else [listed]
    ids = [r['service_request_id'] for r in listed]
    assert rid in ids and photo_rid in ids, ids
    t.token('12345')
    assert t._request.status_code == 404, t._request.status_code
    print('three %s ok %s %s' % (fmt, rid, photo_rid))
